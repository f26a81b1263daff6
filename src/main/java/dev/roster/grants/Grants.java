package dev.roster.grants;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Grant rows. Pages are keyset ranges of {@code grants_tenant_id_id_idx}; the principal and permission filters are
 * applied inside that range (a principal filter could use the unique key's prefix instead, where the planner likes).
 */
@Repository
class Grants {

    private static final String COLUMNS =
            "id, tenant_id, principal_urn, permission, selector, created_at, created_by, version";

    static final String PAGE = """
            SELECT %s FROM grants
            WHERE tenant_id = :tenantId %%s
            ORDER BY id
            LIMIT :limit
            """.formatted(COLUMNS);

    static final String COUNT = "SELECT count(*) FROM grants WHERE tenant_id = :tenantId %s";

    static final String BY_PRINCIPAL = " AND principal_urn = :principal";
    private static final String BY_PERMISSION = " AND permission = :permission";
    static final String AFTER = " AND id > :after";

    // A clash on the unique key (the same grant exists) inserts nothing.
    private static final String INSERT_IF_ABSENT = """
            INSERT INTO grants (id, tenant_id, principal_urn, permission, selector, created_by)
            VALUES (:id, :tenantId, :principal, :permission, :selector, :createdBy)
            ON CONFLICT (tenant_id, principal_urn, permission, selector) DO NOTHING
            RETURNING %s
            """.formatted(COLUMNS);

    private static final String STAMP = "UPDATE grants SET version = :version WHERE id = :id RETURNING " + COLUMNS;

    private static final String DELETE =
            "DELETE FROM grants WHERE id = :id AND tenant_id = :tenantId RETURNING " + COLUMNS;

    // The principal exists, and stays until commit: FOR KEY SHARE makes a concurrent delete of the user or role wait.
    private static final String USER_EXISTS = "SELECT 1 FROM users WHERE id = :id FOR KEY SHARE";
    private static final String GLOBAL_ROLE_EXISTS =
            "SELECT 1 FROM roles WHERE id = :id AND tenant_id IS NULL FOR KEY SHARE";
    private static final String TENANT_ROLE_EXISTS =
            "SELECT 1 FROM roles WHERE id = :id AND tenant_id = :tenantId FOR KEY SHARE";
    private static final String SLUG_EXISTS =
            "SELECT 1 FROM roles WHERE slug = :slug AND (tenant_id = :tenantId OR tenant_id IS NULL) LIMIT 1";

    // The grants of one principal in one tenant (a role's, when the role goes).
    private static final String DELETE_OF_PRINCIPAL =
            "DELETE FROM grants WHERE tenant_id = :tenantId AND principal_urn = :principal RETURNING " + COLUMNS;
    private static final String DELETE_OF_PRINCIPAL_EVERYWHERE =
            "DELETE FROM grants WHERE principal_urn = :principal RETURNING " + COLUMNS;

    // The built-in roles rbac:enable grants to that exist, kept until commit (a concurrent delete waits).
    private static final String GLOBAL_ROLES_PRESENT =
            "SELECT id FROM roles WHERE id IN (:ids) AND tenant_id IS NULL FOR KEY SHARE";

    private static final String STAMP_ALL = "UPDATE grants SET version = :version WHERE id IN (:ids)";

    // A system grant rbac:enable seeded (not the same grant an admin added: created_by tells them apart).
    private static final String DELETE_SEEDED = """
            DELETE FROM grants
            WHERE tenant_id = :tenantId AND principal_urn = :principal AND permission = :permission
              AND selector = :selector AND created_by = :createdBy
            """;

    private static final RowMapper<Grant> ROW = (rs, i) -> new Grant(
            rs.getObject("id", UUID.class),
            rs.getObject("tenant_id", UUID.class),
            rs.getString("principal_urn"),
            rs.getString("permission"),
            rs.getString("selector"),
            rs.getObject("created_at", OffsetDateTime.class).toInstant(),
            rs.getString("created_by"),
            rs.getLong("version"),
            null,
            null,
            null);

    private final JdbcClient jdbc;

    Grants(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Grant> page(
            UUID tenantId, @Nullable String principal, @Nullable String permission, @Nullable UUID after, int limit) {
        var statement = jdbc.sql(PAGE.formatted(filters(principal, permission) + (after == null ? "" : AFTER)))
                .param("tenantId", tenantId)
                .param("limit", limit);
        if (principal != null) {
            statement = statement.param("principal", principal);
        }
        if (permission != null) {
            statement = statement.param("permission", permission);
        }
        if (after != null) {
            statement = statement.param("after", after);
        }
        return statement.query(ROW).list();
    }

    long count(UUID tenantId, @Nullable String principal, @Nullable String permission) {
        var statement =
                jdbc.sql(COUNT.formatted(filters(principal, permission))).param("tenantId", tenantId);
        if (principal != null) {
            statement = statement.param("principal", principal);
        }
        if (permission != null) {
            statement = statement.param("permission", permission);
        }
        return statement.query(Long.class).single();
    }

    private static String filters(@Nullable String principal, @Nullable String permission) {
        return (principal == null ? "" : BY_PRINCIPAL) + (permission == null ? "" : BY_PERMISSION);
    }

    Optional<Grant> insert(UUID tenantId, String principal, String permission, String selector, String createdBy) {
        return jdbc.sql(INSERT_IF_ABSENT)
                .param("id", UUID.randomUUID())
                .param("tenantId", tenantId)
                .param("principal", principal)
                .param("permission", permission)
                .param("selector", selector)
                .param("createdBy", createdBy)
                .query(ROW)
                .optional();
    }

    /** Records the version of the grant's creation, on the row this transaction just wrote. */
    Grant stamp(UUID id, long version) {
        return jdbc.sql(STAMP)
                .param("id", id)
                .param("version", version)
                .query(ROW)
                .single();
    }

    Optional<Grant> delete(UUID tenantId, UUID id) {
        return jdbc.sql(DELETE)
                .param("id", id)
                .param("tenantId", tenantId)
                .query(ROW)
                .optional();
    }

    List<UUID> globalRolesPresent(List<UUID> ids) {
        return jdbc.sql(GLOBAL_ROLES_PRESENT)
                .param("ids", ids)
                .query(UUID.class)
                .list();
    }

    /** Records the version of the grants' creation, on rows this transaction just wrote. */
    void stampAll(List<UUID> ids, long version) {
        if (!ids.isEmpty()) {
            jdbc.sql(STAMP_ALL).param("ids", ids).param("version", version).update();
        }
    }

    boolean deleteSeeded(UUID tenantId, String principal, String permission, String selector, String createdBy) {
        return jdbc.sql(DELETE_SEEDED)
                        .param("tenantId", tenantId)
                        .param("principal", principal)
                        .param("permission", permission)
                        .param("selector", selector)
                        .param("createdBy", createdBy)
                        .update()
                > 0;
    }

    boolean userExists(UUID id) {
        return jdbc.sql(USER_EXISTS)
                .param("id", id)
                .query(Integer.class)
                .optional()
                .isPresent();
    }

    boolean globalRoleExists(UUID id) {
        return jdbc.sql(GLOBAL_ROLE_EXISTS)
                .param("id", id)
                .query(Integer.class)
                .optional()
                .isPresent();
    }

    /** Whether {@code slug} names a role of the tenant or a global one: what a legacy {@code role:<slug>} needs. */
    boolean roleSlugExists(UUID tenantId, String slug) {
        return jdbc.sql(SLUG_EXISTS)
                .param("slug", slug)
                .param("tenantId", tenantId)
                .query(Integer.class)
                .optional()
                .isPresent();
    }

    List<Grant> deleteOfPrincipalEverywhere(String principal) {
        return jdbc.sql(DELETE_OF_PRINCIPAL_EVERYWHERE)
                .param("principal", principal)
                .query(ROW)
                .list();
    }

    List<Grant> deleteOfPrincipal(UUID tenantId, String principal) {
        return jdbc.sql(DELETE_OF_PRINCIPAL)
                .param("tenantId", tenantId)
                .param("principal", principal)
                .query(ROW)
                .list();
    }

    boolean tenantRoleExists(UUID tenantId, UUID id) {
        return jdbc.sql(TENANT_ROLE_EXISTS)
                .param("id", id)
                .param("tenantId", tenantId)
                .query(Integer.class)
                .optional()
                .isPresent();
    }
}
