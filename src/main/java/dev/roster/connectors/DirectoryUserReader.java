package dev.roster.connectors;

import dev.roster.connectors.UpstreamCallFailed.Kind;
import dev.roster.connectors.UpstreamUser.Organization;
import dev.roster.connectors.UpstreamUser.RoleAssignment;
import dev.roster.connectors.UpstreamUser.UpstreamTenant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Reads the directory's user objects with the configured field names. Strict where a misreading would change Roster's
 * data (ids, email, flags, levels, roles): a value of the wrong type makes the whole answer {@link Kind#MALFORMED},
 * never a silently dropped role that role sync would then remove. An absent or {@code null} field is "said nothing".
 */
final class DirectoryUserReader {

    /**
     * Bounds on one record, so that a directory's bad record cannot create thousands of tenants in one transaction
     * or carry an id PostgreSQL cannot index: what exceeds them is {@link Kind#MALFORMED}.
     */
    static final int MAX_ROLES = 1000;

    static final int MAX_ID_LENGTH = 255;
    static final int MAX_TEXT_LENGTH = 2048;

    /** Roster's role slugs, and the highest priority a role may have (as for a tenant's own roles). */
    private static final java.util.regex.Pattern ROLE_SLUG =
            java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    static final int MAX_ROLE_PRIORITY = 1000;

    private final DirectorySettings.Fields fields;
    private final boolean emailVerifiedDefault;

    DirectoryUserReader(DirectorySettings.Fields fields, boolean emailVerifiedDefault) {
        this.fields = fields;
        this.emailVerifiedDefault = emailVerifiedDefault;
    }

    /** One user object; {@link UpstreamCallFailed} ({@link Kind#MALFORMED}) when it is not the contract's shape. */
    UpstreamUser user(JsonNode node) {
        if (!node.isObject()) {
            throw malformed("a user is not a JSON object");
        }
        String id = id(node, fields.id());
        if (id == null) {
            throw malformed("a user has no '" + fields.id() + "'");
        }
        String email = text(node, fields.email());
        if (email == null) {
            throw malformed("user '" + id + "' has no '" + fields.email() + "'");
        }
        Boolean verified = flag(node, fields.emailVerified());
        return new UpstreamUser(
                id,
                email.trim().toLowerCase(Locale.ROOT),
                verified != null ? verified : emailVerifiedDefault,
                text(node, fields.username()),
                text(node, fields.firstName()),
                text(node, fields.lastName()),
                text(node, fields.middleName()),
                text(node, fields.displayName()),
                text(node, fields.image()),
                organization(node),
                flag(node, fields.active()),
                roles(node, id));
    }

    /**
     * A search answer, {@code {"users": [...]}}, cut to {@code limit}. A user object that is not the contract's shape
     * is left out (reported to {@code skipped}): a search changes nothing, and one bad record must not hide the rest.
     */
    List<UpstreamUser> users(JsonNode answer, int limit, Consumer<UpstreamCallFailed> skipped) {
        JsonNode list = answer.isObject() ? answer.get(fields.searchResults()) : null;
        if (list == null || !list.isArray()) {
            throw malformed("a search answer has no '" + fields.searchResults() + "' array");
        }
        var users = new ArrayList<UpstreamUser>();
        for (JsonNode entry : list) {
            if (users.size() == limit) {
                break;
            }
            try {
                users.add(user(entry));
            } catch (UpstreamCallFailed e) {
                skipped.accept(e);
            }
        }
        return List.copyOf(users);
    }

    private @Nullable Organization organization(JsonNode node) {
        var organization = new Organization(
                text(node, fields.positionTitle()),
                text(node, fields.division()),
                text(node, fields.department()),
                text(node, fields.section()),
                text(node, fields.customTeam()),
                level(node, fields.hierarchyLevel()),
                id(node, fields.reportsTo()),
                flag(node, fields.leader()));
        return organization.equals(new Organization(null, null, null, null, null, null, null, null))
                ? null
                : organization;
    }

    /** {@code null} when the field is absent (said nothing); empty when the directory says "no roles". */
    private @Nullable List<RoleAssignment> roles(JsonNode node, String userId) {
        JsonNode roles = present(node, fields.roles());
        if (roles == null) {
            return null;
        }
        if (!roles.isArray()) {
            throw malformed("the '" + fields.roles() + "' of user '" + userId + "' is not an array");
        }
        if (roles.size() > MAX_ROLES) {
            throw malformed("user '" + userId + "' has " + roles.size() + " roles, more than the " + MAX_ROLES
                    + " Roster takes from one record");
        }
        var assignments = new ArrayList<RoleAssignment>();
        for (JsonNode entry : roles) {
            RoleAssignment assignment = entry.isObject() ? roleAssignment(entry) : null;
            if (assignment == null) {
                throw malformed("a role of user '" + userId + "' is not {\"" + fields.role() + "\": ..., \""
                        + fields.roleTenant() + "\": {\"" + fields.tenantId() + "\": ...}}");
            }
            assignments.add(assignment);
        }
        return List.copyOf(assignments);
    }

    /** {@code {"role": "developer", "on": {"tenant": "acme", "name": "Acme Corp"}}}, or {@code "on": "acme"}. */
    @Nullable
    RoleAssignment roleAssignment(JsonNode entry) {
        String role = text(entry, fields.role());
        JsonNode on = present(entry, fields.roleTenant());
        if (role == null || on == null) {
            return null;
        }
        UpstreamTenant tenant = tenant(on);
        return tenant == null ? null : new RoleAssignment(role, tenant);
    }

    /** A tenant as the directory names it: {@code {"tenant": "acme", "name": "Acme Corp"}}, or {@code "acme"}. */
    @Nullable
    UpstreamTenant tenant(JsonNode on) {
        if (on.isString() || on.isIntegralNumber()) {
            String tenant = scalar(on);
            return tenant == null ? null : new UpstreamTenant(tenant, tenant, null);
        }
        if (!on.isObject()) {
            return null;
        }
        String tenant = id(on, fields.tenantId());
        if (tenant == null) {
            return null;
        }
        String name = text(on, fields.tenantName());
        return new UpstreamTenant(tenant, name != null ? name : tenant, null);
    }

    /**
     * A global role, {@code {"id": "role_01", "slug": "admin", "name": "Admin", "priority": 250}}: only the slug is
     * required (WorkOS-style role events carry no other id), and it must be one Roster can keep.
     */
    @Nullable
    UpstreamRole role(JsonNode node) {
        String slug = text(node, "slug");
        if (slug == null) {
            return null;
        }
        if (!ROLE_SLUG.matcher(slug).matches()) {
            throw malformed(
                    "'slug' must be 1 to 63 characters of a-z, 0-9, '_' and '-', starting with a letter or" + " digit");
        }
        String id = id(node, fields.id());
        String name = text(node, "name");
        Integer priority = level(node, "priority");
        if (priority != null && (priority < 0 || priority > MAX_ROLE_PRIORITY)) {
            throw malformed("'priority' is from 0 to " + MAX_ROLE_PRIORITY);
        }
        return new UpstreamRole(id != null ? id : slug, slug, name, priority);
    }

    /** A string or an integral number (directories number their records), as text; blank is absent. */
    static @Nullable String id(JsonNode node, String field) {
        JsonNode value = present(node, field);
        if (value == null) {
            return null;
        }
        if (!value.isString() && !value.isIntegralNumber()) {
            throw malformed("'" + field + "' is neither a string nor an integer");
        }
        String id = scalar(value);
        if (id != null && id.length() > MAX_ID_LENGTH) {
            throw malformed("'" + field + "' is longer than " + MAX_ID_LENGTH + " characters");
        }
        return id;
    }

    private static @Nullable String text(JsonNode node, String field) {
        JsonNode value = present(node, field);
        if (value == null) {
            return null;
        }
        if (!value.isString()) {
            throw malformed("'" + field + "' is not a string");
        }
        String text = value.stringValue();
        if (text.length() > MAX_TEXT_LENGTH) {
            throw malformed("'" + field + "' is longer than " + MAX_TEXT_LENGTH + " characters");
        }
        return text.isBlank() ? null : text;
    }

    /** {@code true}/{@code false}, or the same as strings (as some directories send them). */
    private static @Nullable Boolean flag(JsonNode node, String field) {
        JsonNode value = present(node, field);
        if (value == null) {
            return null;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isString() && ("true".equals(value.stringValue()) || "false".equals(value.stringValue()))) {
            return Boolean.valueOf(value.stringValue());
        }
        throw malformed("'" + field + "' is not a boolean");
    }

    private static @Nullable Integer level(JsonNode node, String field) {
        JsonNode value = present(node, field);
        if (value == null) {
            return null;
        }
        if (value.isIntegralNumber() && value.canConvertToInt()) {
            return value.intValue();
        }
        if (value.isString() && value.stringValue().matches("-?\\d{1,9}")) {
            return Integer.valueOf(value.stringValue());
        }
        throw malformed("'" + field + "' is not an integer");
    }

    private static @Nullable String scalar(JsonNode value) {
        String text = value.isString() ? value.stringValue().trim() : value.asString();
        return text.isEmpty() ? null : text;
    }

    static @Nullable JsonNode present(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.isMissingNode() ? null : value;
    }

    static UpstreamCallFailed malformed(String why) {
        return new UpstreamCallFailed(Kind.MALFORMED, "the directory's answer does not fit the contract: " + why);
    }
}
