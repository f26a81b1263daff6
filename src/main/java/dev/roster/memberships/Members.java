package dev.roster.memberships;

import dev.roster.outbox.SyncState;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Membership rows: reads of a tenant's member list and single-row writes. A page is one range scan of
 * {@code memberships (tenant_id, user_id) INCLUDE (role_id)} (a role filter is applied inside the index) joined by
 * primary key to users and roles, and the total a sum over the tenant's per-role counters: never a lookup per row,
 * never a count of the members.
 */
@Repository
class Members {

    // The page's memberships first (one index range, LIMIT inside), then their users and roles by primary key, and
    // each membership's sync state from the outbox (SyncState), all in one round trip.
    static final String PAGE =
            """
            SELECT m.user_id, u.email, u.username, u.display_name, u.is_active,
                   r.id AS role_id, r.tenant_id AS role_tenant_id, r.slug AS role_slug,
                   m.source, m.created_at, m.updated_at, sync.sync_state, sync.sync_attempts, sync.sync_error
            FROM (SELECT m.user_id, m.role_id, m.source, m.created_at, m.updated_at
                  FROM memberships m
                  WHERE m.tenant_id = :tenantId %s
                  ORDER BY m.user_id
                  LIMIT :limit) m
            JOIN users u ON u.id = m.user_id
            JOIN roles r ON r.id = m.role_id
            """ + SyncState.lateral("'membership:' || m.user_id || ':' || CAST(:tenantId AS text)") + """
            ORDER BY m.user_id
            """;

    // Counters plus the deltas not yet folded into them (migration V016), in one statement: one snapshot.
    static final String COUNT = """
            SELECT coalesce(sum(n), 0) FROM (
                SELECT c.members AS n FROM member_counts c WHERE c.tenant_id = :tenantId %1$s
                UNION ALL
                SELECT c.delta FROM member_count_deltas c WHERE c.tenant_id = :tenantId %1$s) counted
            """;
    static final String COUNT_BY_ROLE = " AND c.role_id = :roleId";

    static final String BY_ROLE = " AND m.role_id = :roleId";
    static final String AFTER = " AND m.user_id > :after";

    private static final String FIND_ROLE = """
            SELECT m.role_id, m.source FROM memberships m WHERE m.user_id = :userId AND m.tenant_id = :tenantId
            FOR UPDATE
            """;

    // (xmax = 0): inserted now, not updated.
    private static final String UPSERT_LOCAL = """
            INSERT INTO memberships (user_id, tenant_id, role_id, source)
            VALUES (:userId, :tenantId, :roleId, 'local')
            ON CONFLICT (user_id, tenant_id) DO UPDATE
                SET role_id = EXCLUDED.role_id, source = 'local', updated_at = now()
            RETURNING (xmax = 0) AS created
            """;

    private static final String DELETE = "DELETE FROM memberships WHERE user_id = :userId AND tenant_id = :tenantId";

    private static final RowMapper<Member> MEMBER = (rs, i) -> {
        UUID roleId = rs.getObject("role_id", UUID.class);
        UUID roleTenant = rs.getObject("role_tenant_id", UUID.class);
        return new Member(
                        rs.getObject("user_id", UUID.class),
                        rs.getString("email"),
                        rs.getString("username"),
                        rs.getString("display_name"),
                        rs.getBoolean("is_active"),
                        rs.getString("role_slug"),
                        (roleTenant == null ? "role:global:" : "role:tenant:") + roleId,
                        rs.getString("source"),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("updated_at", OffsetDateTime.class).toInstant(),
                        null,
                        null,
                        null)
                .with(SyncState.from(rs));
    };

    private final JdbcClient jdbc;

    Members(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Member> page(UUID tenantId, @Nullable UUID roleId, @Nullable UUID after, int limit) {
        String where = (roleId == null ? "" : BY_ROLE) + (after == null ? "" : AFTER);
        var statement =
                jdbc.sql(PAGE.formatted(where)).param("tenantId", tenantId).param("limit", limit);
        if (roleId != null) {
            statement = statement.param("roleId", roleId);
        }
        if (after != null) {
            statement = statement.param("after", after);
        }
        return statement.query(MEMBER).list();
    }

    long count(UUID tenantId, @Nullable UUID roleId) {
        var statement =
                jdbc.sql(COUNT.formatted(roleId == null ? "" : COUNT_BY_ROLE)).param("tenantId", tenantId);
        if (roleId != null) {
            statement = statement.param("roleId", roleId);
        }
        return statement.query(Long.class).single();
    }

    record Current(UUID roleId, String source) {}

    Optional<Current> lock(UUID userId, UUID tenantId) {
        return jdbc.sql(FIND_ROLE)
                .param("userId", userId)
                .param("tenantId", tenantId)
                .query((rs, i) -> new Current(rs.getObject("role_id", UUID.class), rs.getString("source")))
                .optional();
    }

    /** True when the membership is new. */
    boolean upsertLocal(UUID userId, UUID tenantId, UUID roleId) {
        return jdbc.sql(UPSERT_LOCAL)
                .param("userId", userId)
                .param("tenantId", tenantId)
                .param("roleId", roleId)
                .query(Boolean.class)
                .single();
    }

    void delete(UUID userId, UUID tenantId) {
        jdbc.sql(DELETE).param("userId", userId).param("tenantId", tenantId).update();
    }
}
