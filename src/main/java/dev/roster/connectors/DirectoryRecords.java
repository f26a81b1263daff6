package dev.roster.connectors;

import dev.roster.connectors.UpstreamUser.RoleAssignment;
import dev.roster.connectors.UpstreamUser.UpstreamTenant;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The directory's records as it pushes them (inbound webhooks), read with the same configured field names and the
 * same strictness as the REST directory connector reads its answers: a user object, one role assignment, a tenant.
 * A record that does not fit throws {@link UpstreamCallFailed} of kind {@code MALFORMED}.
 */
@Component
public class DirectoryRecords {

    private final DirectorySettings.Fields fields;
    private final DirectoryUserReader reader;

    DirectoryRecords(DirectorySettings settings) {
        this.fields = settings.fields();
        this.reader = new DirectoryUserReader(settings.fields(), settings.emailVerifiedDefault());
    }

    /** A user object, as {@code GET /api/v1/users/{id}} answers it. */
    public UpstreamUser user(JsonNode node) {
        return reader.user(node);
    }

    /** The user id of a user object ({@code id}), or of a reference to one ({@code user_id}). */
    public String userId(JsonNode node) {
        String id = node.isObject() ? DirectoryUserReader.id(node, fields.id()) : null;
        if (id == null && node.isObject()) {
            id = DirectoryUserReader.id(node, "user_id");
        }
        if (id == null) {
            throw DirectoryUserReader.malformed("the record names no user ('" + fields.id() + "' or 'user_id')");
        }
        return id;
    }

    /** The user a membership record is about: its {@code user_id} (a membership may carry an id of its own). */
    public String memberId(JsonNode node) {
        String id = node.isObject() ? DirectoryUserReader.id(node, "user_id") : null;
        if (id == null) {
            throw DirectoryUserReader.malformed("a membership names no 'user_id'");
        }
        return id;
    }

    /** One role assignment, {@code {"role": "developer", "on": {"tenant": "acme", "name": "Acme"}}}. */
    public RoleAssignment assignment(JsonNode node) {
        RoleAssignment assignment = node.isObject() ? reader.roleAssignment(node) : null;
        if (assignment == null) {
            throw DirectoryUserReader.malformed("a role assignment is {\"" + fields.role() + "\": ..., \""
                    + fields.roleTenant() + "\": {\"" + fields.tenantId() + "\": ...}}");
        }
        return assignment;
    }

    /** A global role, {@code {"slug": "admin", "name": "Admin", "priority": 250}} (an {@code id} is optional). */
    public UpstreamRole role(JsonNode node) {
        UpstreamRole role = node.isObject() ? reader.role(node) : null;
        if (role == null) {
            throw DirectoryUserReader.malformed("a role is {\"slug\": ..., \"name\": ..., \"priority\": ...}");
        }
        return role;
    }

    /** The tenant a record is about: {@code "on"} of an assignment without a role, or a tenant object itself. */
    public UpstreamTenant tenant(JsonNode node) {
        JsonNode on = node.isObject() ? DirectoryUserReader.present(node, fields.roleTenant()) : null;
        UpstreamTenant tenant = reader.tenant(on != null ? on : node);
        if (tenant == null) {
            throw DirectoryUserReader.malformed(
                    "a tenant is {\"" + fields.tenantId() + "\": ..., \"" + fields.tenantName() + "\": ...}");
        }
        return tenant;
    }
}
