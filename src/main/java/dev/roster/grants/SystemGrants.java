package dev.roster.grants;

import dev.roster.authz.BuiltInRoles;
import dev.roster.authz.GrantSyntax;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The system grants: what each of the five built-in roles may do in a tenant once RBAC is enabled there
 * ({@code POST /v1/tenants/{id}/rbac:enable} seeds them, {@code rbac:disable} removes them). The one table of them:
 * docs/authorization.md mirrors it, and a test keeps the two in step.
 *
 * <p>Every system grant has the selector {@code *} and {@code created_by} {@link #CREATED_BY}: that is how disable
 * tells the rows it seeded from the same grant added by an admin.
 */
public final class SystemGrants {

    /** The {@code created_by} of a seeded grant. */
    public static final String CREATED_BY = "system:rbac";

    public static final String SELECTOR = "*";

    /** A role, by slug and id, and the permissions it is granted (selector {@code *}). */
    public record RoleGrants(String slug, UUID roleId, List<String> permissions) {
        public String principal() {
            return GrantSyntax.GLOBAL_ROLE + roleId;
        }
    }

    /** In priority order, highest first. */
    public static final List<RoleGrants> TABLE = List.of(
            new RoleGrants(
                    "super_admin",
                    BuiltInRoles.SUPER_ADMIN,
                    List.of("tenant:*", "members:*", "roles:*", "grants:*", "audit:*", "app:*")),
            new RoleGrants(
                    "tenant_admin",
                    BuiltInRoles.TENANT_ADMIN,
                    List.of("tenant:read", "tenant:write", "members:*", "roles:*", "grants:*", "audit:read", "app:*")),
            new RoleGrants(
                    "operator",
                    BuiltInRoles.OPERATOR,
                    List.of("tenant:read", "members:read", "roles:read", "grants:read", "audit:read", "app:*")),
            new RoleGrants(
                    "developer",
                    BuiltInRoles.DEVELOPER,
                    List.of("tenant:read", "members:read", "roles:read", "app:read", "app:write")),
            new RoleGrants("viewer", BuiltInRoles.VIEWER, List.of("tenant:read", "members:read", "app:read")));

    private SystemGrants() {}

    /** Role slug → its permissions, in table order. */
    public static Map<String, List<String>> bySlug() {
        var out = new LinkedHashMap<String, List<String>>();
        TABLE.forEach(r -> out.put(r.slug(), r.permissions()));
        return out;
    }

    /** How many grants the table seeds in one tenant. */
    public static int size() {
        return TABLE.stream().mapToInt(r -> r.permissions().size()).sum();
    }
}
