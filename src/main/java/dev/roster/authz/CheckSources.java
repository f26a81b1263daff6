package dev.roster.authz;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What a check is decided from, read from the database when a cache misses: a user's standing (active, and their
 * role in each tenant), and one tenant's liveness and grants. Its own SQL over users, memberships, roles, tenants
 * and grants, so that this package stays below the features that write them.
 */
@Repository
class CheckSources {

    // The user and every membership they hold, with its role's URN kind: one primary-key probe, one range of the
    // memberships primary key (user_id, tenant_id), a primary-key probe per role.
    static final String STANDING = """
            SELECT u.is_active, m.tenant_id, m.role_id, r.tenant_id AS role_tenant_id
            FROM users u
            LEFT JOIN memberships m ON m.user_id = u.id
            LEFT JOIN roles r ON r.id = m.role_id
            WHERE u.id = :user
            """;

    // The tenant (deleted or not) and all its grants: one range of grants_tenant_id_id_idx.
    static final String TENANT_GRANTS = """
            SELECT t.deleted_at IS NULL AS live, g.id, g.principal_urn, g.permission, g.selector
            FROM tenants t
            LEFT JOIN grants g ON g.tenant_id = t.id
            WHERE t.id = :tenant
            """;

    // Only for a tenant that has legacy role:<slug> grants: the role each slug read stands for there. By the slugs as
    // the first query read them (not the grants' rows again, which a concurrent backfill may have rewritten since).
    static final String LEGACY_ROLES = """
            SELECT s.slug, legacy.urn
            FROM unnest(CAST(:slugs AS text[])) AS s (slug)
            JOIN LATERAL (%s) legacy ON true
            """.formatted(GrantSyntax.resolveLegacyRole("s.slug", ":tenant"));

    private final JdbcClient jdbc;
    private final boolean legacyHonoured;

    CheckSources(JdbcClient jdbc, AuthzSettings settings) {
        this.jdbc = jdbc;
        this.legacyHonoured = settings.legacySlugPrincipals().honoured();
    }

    /** The user's standing, or null when there is no such user. */
    @Nullable
    UserStanding standing(UUID userId) {
        record Row(
                boolean active,
                @Nullable UUID tenantId,
                @Nullable UUID roleId,
                @Nullable UUID roleTenantId) {}
        List<Row> rows = jdbc.sql(STANDING)
                .param("user", userId)
                .query((rs, i) -> new Row(
                        rs.getBoolean("is_active"),
                        rs.getObject("tenant_id", UUID.class),
                        rs.getObject("role_id", UUID.class),
                        rs.getObject("role_tenant_id", UUID.class)))
                .list();
        if (rows.isEmpty()) {
            return null;
        }
        var roles = new HashMap<UUID, UserStanding.Role>();
        for (Row row : rows) {
            if (row.tenantId() != null && row.roleId() != null) {
                String urn =
                        (row.roleTenantId() == null ? GrantSyntax.GLOBAL_ROLE : GrantSyntax.TENANT_ROLE) + row.roleId();
                roles.put(row.tenantId(), new UserStanding.Role(row.roleId(), urn));
            }
        }
        return new UserStanding(userId, rows.getFirst().active(), Map.copyOf(roles));
    }

    /**
     * The tenant's grant index, or null when there is no such tenant (deleted ones included: they have one). A
     * legacy {@code role:<slug>} grant applies to the role it stands for, looked up by a second query only when the
     * tenant has such grants (and they are honoured); one whose slug names no role applies to no one.
     */
    @Nullable
    GrantIndex grants(UUID tenantId) {
        var rows = new ArrayList<GrantRow>();
        Boolean[] live = {null};
        boolean[] anyLegacy = {false};
        jdbc.sql(TENANT_GRANTS).param("tenant", tenantId).query(rs -> {
            live[0] = rs.getBoolean("live");
            UUID id = rs.getObject("id", UUID.class);
            if (id != null) {
                String principal = rs.getString("principal_urn");
                anyLegacy[0] |= GrantSyntax.legacyRoleSlug(principal) != null;
                rows.add(new GrantRow(id, principal, rs.getString("permission"), rs.getString("selector")));
            }
        });
        if (live[0] == null) {
            return null;
        }
        Map<String, String> roles = anyLegacy[0] && legacyHonoured ? legacyRoles(tenantId, rows) : Map.of();
        var grants = new ArrayList<GrantIndex.Entry>(rows.size());
        for (GrantRow row : rows) {
            String slug = roles.isEmpty() ? null : GrantSyntax.legacyRoleSlug(row.principal());
            grants.add(new GrantIndex.Entry(
                    row.id(),
                    row.principal(),
                    row.permission(),
                    row.selector(),
                    slug == null ? row.principal() : roles.getOrDefault(slug, row.principal())));
        }
        return GrantIndex.of(live[0], grants);
    }

    private record GrantRow(UUID id, String principal, String permission, String selector) {}

    /** The canonical URN of the role each legacy slug among {@code rows} stands for in the tenant. */
    private Map<String, String> legacyRoles(UUID tenantId, List<GrantRow> rows) {
        var slugs = new java.util.TreeSet<String>();
        for (GrantRow row : rows) {
            String slug = GrantSyntax.legacyRoleSlug(row.principal());
            if (slug != null) {
                slugs.add(slug);
            }
        }
        var roles = new HashMap<String, String>();
        // Slugs are [a-z0-9_-], each quoted: an unquoted null would be SQL NULL (and "null" is a valid slug).
        jdbc.sql(LEGACY_ROLES)
                .param(
                        "slugs",
                        slugs.stream()
                                .map(slug -> "\"" + slug + "\"")
                                .collect(java.util.stream.Collectors.joining(",", "{", "}")))
                .param("tenant", tenantId)
                .query(rs -> {
                    roles.put(rs.getString("slug"), rs.getString("urn"));
                });
        return roles;
    }
}
