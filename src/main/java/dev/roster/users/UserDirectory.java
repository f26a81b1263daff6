package dev.roster.users;

import dev.roster.platform.Page;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Finding users for admins: search by text (trigram index over email, username and names), filters that each have
 * an index, keyset pages in id order with an exact total, and counts by division, department or role. A scope
 * (the tenants a tenant admin administers) limits every answer to members of those tenants.
 *
 * <p>Statements are assembled from fixed fragments for the filters actually given, so each combination gets a plan
 * of its own instead of one generic plan full of {@code :x IS NULL OR …} that no index can serve.
 */
@Repository
public class UserDirectory {

    private static final String COLUMNS = """
            u.id, u.email, u.email_verified, u.username, u.first_name, u.last_name, u.display_name, u.position_title, u.division,
            u.department, u.section, u.is_active, u.is_leader, u.created_at, u.updated_at, u.last_synced_at,
            u.last_roles_sync_at""";

    // Stored and trigram-indexed (migration V013).
    private static final String SEARCH_TEXT = "u.search_text";

    private static final String MEMBERSHIPS_OF = """
            SELECT t.id, t.slug, t.name, r.slug AS role
            FROM memberships m JOIN tenants t ON t.id = m.tenant_id AND t.deleted_at IS NULL
            JOIN roles r ON r.id = m.role_id
            WHERE m.user_id = :id %s
            ORDER BY r.priority DESC, t.slug
            """;

    private final JdbcClient jdbc;

    UserDirectory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What to look for; every field optional. {@code scope} null: all users (platform admins). */
    public record Query(
            @Nullable String q,
            @Nullable String division,
            @Nullable String department,
            @Nullable UUID roleId,
            @Nullable UUID tenantId,
            @Nullable Boolean isActive,
            @Nullable List<UUID> scope) {}

    public enum StatsBy {
        DIVISION,
        DEPARTMENT,
        ROLE
    }

    public record Count(@Nullable String key, long count) {}

    public Page<UserSummary> search(Query query, @Nullable String cursor, int limit) {
        UUID after = Page.uuidKey(cursor);
        var where = new Where();
        filters(query, where);
        String count = "SELECT count(*) FROM users u WHERE " + where.sql();
        if (after != null) {
            where.and("u.id > :after", "after", after);
        }
        String sql = "SELECT " + COLUMNS + " FROM users u WHERE " + where.sql() + " ORDER BY u.id LIMIT :limit";
        List<UserSummary> rows = where.apply(jdbc.sql(sql))
                .param("limit", limit + 1)
                .query((rs, i) -> summary(rs))
                .list();
        // A first page that holds every match is its own count: a selective search pays for one query, not two.
        long total = after == null && rows.size() <= limit
                ? rows.size()
                : where.apply(jdbc.sql(count)).query(Long.class).single();
        return Page.of(rows, limit, total, u -> u.id().toString());
    }

    public Optional<UserSummary> find(UUID id, @Nullable List<UUID> scope) {
        var where = new Where();
        where.and("u.id = :id", "id", id);
        scope(scope, where);
        return where.apply(jdbc.sql("SELECT " + COLUMNS + " FROM users u WHERE " + where.sql()))
                .query((rs, i) -> summary(rs))
                .optional()
                .map(u -> u.withMemberships(
                        jdbc.sql(MEMBERSHIPS_OF.formatted(scope == null ? "" : "AND m.tenant_id IN (:scope)"))
                                .params(scope == null ? Map.of("id", id) : Map.of("id", id, "scope", scope))
                                .query((rs, i) -> new UserSummary.TenantRole(
                                        rs.getObject("id", UUID.class),
                                        rs.getString("slug"),
                                        rs.getString("name"),
                                        rs.getString("role")))
                                .list()));
    }

    /** Users per division or department, or memberships per role; largest first. */
    public List<Count> stats(StatsBy by, Query query) {
        var where = new Where();
        filters(query, where);
        String sql = switch (by) {
            case DIVISION ->
                "SELECT u.division AS key, count(*) AS n FROM users u WHERE " + where.sql()
                        + " GROUP BY u.division ORDER BY n DESC, key NULLS LAST";
            case DEPARTMENT ->
                "SELECT u.department AS key, count(*) AS n FROM users u WHERE " + where.sql()
                        + " GROUP BY u.department ORDER BY n DESC, key NULLS LAST";
            case ROLE -> {
                String tenantFilter = "";
                if (query.tenantId() != null) {
                    tenantFilter = " AND m.tenant_id = :statsTenant";
                    where.param("statsTenant", query.tenantId());
                } else if (query.scope() != null && !query.scope().isEmpty()) {
                    tenantFilter = " AND m.tenant_id IN (:statsScope)";
                    where.param("statsScope", query.scope());
                }
                yield "SELECT r.slug AS key, count(*) AS n FROM users u JOIN memberships m ON m.user_id = u.id"
                        + tenantFilter + " JOIN tenants t ON t.id = m.tenant_id AND t.deleted_at IS NULL"
                        + " JOIN roles r ON r.id = m.role_id WHERE " + where.sql()
                        + " GROUP BY r.slug ORDER BY n DESC, key";
            }
        };
        return where.apply(jdbc.sql(sql))
                .query((rs, i) -> new Count(rs.getString("key"), rs.getLong("n")))
                .list();
    }

    /** The count statement of a search, with its parameters: for plan tests. */
    static Where countOf(Query query) {
        var where = new Where();
        filters(query, where);
        return where.prefixed("SELECT count(*) FROM users u WHERE ");
    }

    private static void filters(Query query, Where where) {
        if (query.q() != null) {
            where.and(SEARCH_TEXT + " LIKE :pattern", "pattern", "%" + likeEscape(query.q()) + "%");
        }
        if (query.division() != null) {
            where.and("u.division = :division", "division", query.division());
        }
        if (query.department() != null) {
            where.and("u.department = :department", "department", query.department());
        }
        if (query.isActive() != null) {
            where.and("u.is_active = :active", "active", query.isActive());
        }
        if (query.tenantId() != null && query.roleId() != null) {
            where.and(
                    "EXISTS (SELECT 1 FROM memberships m JOIN tenants t ON t.id = m.tenant_id AND t.deleted_at IS NULL"
                            + " WHERE m.user_id = u.id AND m.tenant_id = :tenantId AND m.role_id = :roleId)",
                    "tenantId",
                    query.tenantId());
            where.param("roleId", query.roleId());
        } else if (query.tenantId() != null) {
            where.and(
                    "EXISTS (SELECT 1 FROM memberships m JOIN tenants t ON t.id = m.tenant_id AND t.deleted_at IS NULL"
                            + " WHERE m.user_id = u.id AND m.tenant_id = :tenantId)",
                    "tenantId",
                    query.tenantId());
        } else if (query.roleId() != null) {
            where.and(
                    "EXISTS (SELECT 1 FROM memberships m JOIN tenants t ON t.id = m.tenant_id"
                            + " AND t.deleted_at IS NULL WHERE m.user_id = u.id AND m.role_id = :roleId"
                            // A tenant admin learns nothing of roles held in tenants they do not administer.
                            + (query.scope() == null || query.scope().isEmpty() ? "" : " AND m.tenant_id IN (:scope)")
                            + ")",
                    "roleId",
                    query.roleId());
        }
        scope(query.scope(), where);
    }

    private static void scope(@Nullable List<UUID> scope, Where where) {
        if (scope != null && scope.isEmpty()) {
            where.and("false", "scope", List.of());
        } else if (scope != null) {
            where.and(
                    "EXISTS (SELECT 1 FROM memberships sm WHERE sm.user_id = u.id AND sm.tenant_id IN (:scope))",
                    "scope",
                    scope);
        }
    }

    static String likeEscape(String q) {
        return q.toLowerCase(Locale.ROOT)
                .replace("\\", "\\\\")
                .replace("%", "\\%")
                .replace("_", "\\_");
    }

    private static UserSummary summary(ResultSet rs) throws SQLException {
        return new UserSummary(
                rs.getObject("id", UUID.class),
                rs.getString("email"),
                rs.getBoolean("email_verified"),
                rs.getString("username"),
                rs.getString("first_name"),
                rs.getString("last_name"),
                rs.getString("display_name"),
                rs.getString("position_title"),
                rs.getString("division"),
                rs.getString("department"),
                rs.getString("section"),
                rs.getBoolean("is_active"),
                rs.getBoolean("is_leader"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"),
                instant(rs, "last_synced_at"),
                instant(rs, "last_roles_sync_at"),
                null);
    }

    @SuppressWarnings("NullAway")
    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** Conditions joined by AND, with their named parameters. */
    static final class Where {
        private final List<String> conditions = new ArrayList<>();
        private final Map<String, Object> params = new HashMap<>();
        private String prefix = "";

        /** This condition set as the statement {@code prefix + conditions}, as {@link #statement()} answers. */
        Where prefixed(String prefix) {
            this.prefix = prefix;
            return this;
        }

        String statement() {
            return prefix + sql();
        }

        Map<String, Object> params() {
            return params;
        }

        void and(String condition, String name, Object value) {
            conditions.add(condition);
            params.put(name, value);
        }

        void param(String name, Object value) {
            params.put(name, value);
        }

        String sql() {
            return conditions.isEmpty() ? "true" : String.join(" AND ", conditions);
        }

        JdbcClient.StatementSpec apply(JdbcClient.StatementSpec statement) {
            return statement.params(params);
        }
    }
}
