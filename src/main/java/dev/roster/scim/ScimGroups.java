package dev.roster.scim;

import static dev.roster.scim.ScimAttribute.Type.DATETIME;
import static dev.roster.scim.ScimAttribute.Type.ID;
import static dev.roster.scim.ScimAttribute.Type.REFERENCE;
import static dev.roster.scim.ScimAttribute.Type.STRING;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roster.serviceaccounts.ServiceAccount;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * How Roster's roles are SCIM Groups (RFC 7643 §4.2). The rule: <b>a group is one (tenant, role) pair</b> of the
 * client's tenants — each global role (the five built-ins and the directory's) and each of the tenant's own roles, in each tenant — and its
 * members are the tenant's members who hold that role there. Its {@code id} is {@code <tenant id>:<role id>}, its
 * {@code displayName} by default {@code <tenant slug>/<role slug>} ({@code acme/developer}; {@link ScimGroupRule} has
 * what is configurable). Since a user holds one role per tenant, a user is a member of at most one group per tenant.
 *
 * <p>Every expression here is over {@code tenants t} and {@code roles r}.
 */
public final class ScimGroups {

    /** A group's row: its tenant and role. */
    public record Row(
            UUID tenantId,
            String tenantSlug,
            String tenantName,
            UUID roleId,
            String roleSlug,
            String roleName,
            boolean builtIn,
            Instant createdAt,
            String displayName) {

        public String id() {
            return tenantId + ":" + roleId;
        }
    }

    /** A member as a group lists it. */
    public record Member(UUID userId, String userName) {}

    /** A group row's columns, its name by {@code nameSql}. */
    static String columns(String nameSql) {
        return """
                t.id AS tenant_id, t.slug AS tenant_slug, t.name AS tenant_name, r.id AS role_id, r.slug AS role_slug,
                r.name AS role_name, (r.tenant_id IS NULL AND r.external_id IS NULL) AS built_in,
                greatest(t.created_at, r.created_at) AS created_at, %s AS display_name""".formatted(nameSql);
    }

    /** The Group resource, its {@code displayName} as {@code name} makes it. */
    static ResourceSchema schema(GroupNameTemplate name) {
        return new ResourceSchema(
                "Group",
                "/Groups",
                new ResourceSchema.Definition(
                        ScimJson.GROUP_SCHEMA,
                        "Group",
                        "One role in one of the client's tenants; its members hold that role there.",
                        List.of(
                                ScimAttribute.of(
                                                "displayName",
                                                STRING,
                                                name.sql(),
                                                name.template() + ", e.g. " + name.format("acme", "developer") + ".")
                                        .requiredAndUnique("server")
                                        .readOnly("default"),
                                new ScimAttribute(
                                        "members",
                                        ScimAttribute.Type.COMPLEX,
                                        true,
                                        false,
                                        false,
                                        "readWrite",
                                        "default",
                                        "none",
                                        "The tenant's members who hold the role there; PATCH and PUT change them.",
                                        null,
                                        List.of(
                                                ScimAttribute.of("value", ID, "m.user_id", "The user's id.")
                                                        .caseExactly(),
                                                ScimAttribute.of("$ref", REFERENCE, null, "The user's URL.")
                                                        .caseExactly()
                                                        .references("User")
                                                        .readOnly("default"),
                                                ScimAttribute.of("type", STRING, null, "Always \"User\".")
                                                        .readOnly("default"),
                                                ScimAttribute.of(
                                                                "display",
                                                                STRING,
                                                                "coalesce(mu.username, mu.email)",
                                                                "The user's userName.")
                                                        .readOnly("default")),
                                        List.of()))),
                List.of(new ResourceSchema.Definition(
                        ScimJson.ROSTER_GROUP_SCHEMA,
                        "RosterGroup",
                        "The tenant and role a group is.",
                        List.of(
                                ScimAttribute.of("tenantId", ID, "t.id", "The tenant's id.")
                                        .caseExactly()
                                        .readOnly("default"),
                                ScimAttribute.of("tenantSlug", STRING, "t.slug", "The tenant's slug.")
                                        .readOnly("default"),
                                ScimAttribute.of("roleId", ID, "r.id", "The role's id.")
                                        .caseExactly()
                                        .readOnly("default"),
                                ScimAttribute.of("role", STRING, "r.slug", "The role's slug.")
                                        .readOnly("default"),
                                ScimAttribute.of(
                                                "builtIn",
                                                ScimAttribute.Type.BOOLEAN,
                                                "(r.tenant_id IS NULL AND r.external_id IS NULL)",
                                                "Whether the role is one of Roster's five built-in ones.")
                                        .readOnly("default")))),
                List.of(
                        ScimAttribute.of(
                                        "id",
                                        STRING,
                                        "(CAST(t.id AS text) || ':' || CAST(r.id AS text))",
                                        "<tenant id>:<role id>.")
                                .caseExactly()
                                .readOnly("always"),
                        ScimAttribute.complex(
                                "meta",
                                false,
                                "Resource metadata.",
                                ScimAttribute.of(
                                                "created",
                                                DATETIME,
                                                "greatest(t.created_at, r.created_at)",
                                                "When the tenant or the role was created, the later.")
                                        .readOnly("default"))),
                // A filter on members (members[value eq "<user id>"], as Entra ID checks a membership) asks whether
                // some
                // member matches: one probe of the memberships primary key per group for a user id.
                java.util.Map.of("members", """
                    EXISTS (SELECT 1 FROM memberships m JOIN users mu ON mu.id = m.user_id
                            WHERE m.tenant_id = t.id AND m.role_id = r.id AND mu.provider <> '""" + ServiceAccount.PROVIDER + "' AND {})"));
    }

    private ScimGroups() {}

    /**
     * {@code <tenant id>:<role id>} as its two ids, or null when {@code id} is not one. Case-exact, as {@code id} is
     * (RFC 7643 §3.1) and as a filter on it compares: an id in capitals names no group.
     */
    static @Nullable UUID[] parseId(String id) {
        int colon = id.indexOf(':');
        if (colon < 0 || !id.equals(id.toLowerCase(java.util.Locale.ROOT))) {
            return null;
        }
        UUID tenant = SqlFilter.uuid(id.substring(0, colon));
        UUID role = SqlFilter.uuid(id.substring(colon + 1));
        return tenant == null || role == null ? null : new UUID[] {tenant, role};
    }

    /** The SCIM Group {@code row} is, with {@code members} when they were read (null: not asked for). */
    public static ObjectNode resource(Row row, @Nullable List<Member> members, String base) {
        ObjectNode group = ScimJson.object();
        group.putArray("schemas").add(ScimJson.GROUP_SCHEMA).add(ScimJson.ROSTER_GROUP_SCHEMA);
        group.put("id", row.id());
        group.put("displayName", row.displayName());
        if (members != null) {
            ArrayNode list = group.putArray("members");
            for (Member member : members) {
                list.addObject()
                        .put("value", member.userId().toString())
                        .put("$ref", base + "/Users/" + member.userId())
                        .put("type", "User")
                        .put("display", member.userName());
            }
        }
        group.putObject(ScimJson.ROSTER_GROUP_SCHEMA)
                .put("tenantId", row.tenantId().toString())
                .put("tenantSlug", row.tenantSlug())
                .put("roleId", row.roleId().toString())
                .put("role", row.roleSlug())
                .put("builtIn", row.builtIn());
        ObjectNode meta = group.putObject("meta");
        meta.put("resourceType", "Group");
        meta.put("created", row.createdAt().toString());
        meta.put("location", base + "/Groups/" + row.id());
        return group;
    }
}
