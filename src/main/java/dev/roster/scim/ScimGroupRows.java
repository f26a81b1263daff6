package dev.roster.scim;

import dev.roster.serviceaccounts.ServiceAccount;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The groups a SCIM client sees: every (tenant, role) pair of its live tenants, the role a built-in or one of the
 * tenant's own ({@link ScimGroups}). There are few (tenants × roles), so a list is a plain query over them; members
 * are read per group, and only when the answer shows them: one range of the {@code (tenant_id, user_id) INCLUDE
 * (role_id)} index of {@code memberships}.
 */
@Repository
class ScimGroupRows {

    private static final String FROM = " FROM tenants t JOIN roles r ON r.tenant_id IS NULL OR r.tenant_id = t.id ";

    // Service accounts hold roles too, but are never SCIM users: not listed as members either.
    private static final String MEMBERS = """
            SELECT m.user_id, coalesce(u.username, u.email) AS user_name
            FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.tenant_id = :tenant AND m.role_id = :role AND u.provider <> :serviceAccounts
            ORDER BY m.user_id
            LIMIT :limit
            """;

    private final JdbcClient jdbc;
    private final String columns;
    private final String visible;
    private final String find;
    private final String findByName;

    ScimGroupRows(JdbcClient jdbc, ScimGroupRule rule) {
        this.jdbc = jdbc;
        this.columns = ScimGroups.columns(rule.nameSql());
        // The client's live tenants, and the roles the rule makes groups.
        this.visible = "t.id = ANY(:tenants) AND t.deleted_at IS NULL AND " + rule.roleCondition();
        this.find = "SELECT " + columns + FROM + "WHERE " + visible + " AND t.id = :tenant AND r.id = :role";
        this.findByName = "SELECT " + columns + FROM + "WHERE " + visible + " AND lower(" + rule.nameSql()
                + ") = lower(:displayName)";
    }

    Optional<ScimGroups.Row> find(List<UUID> tenants, UUID tenant, UUID role) {
        return jdbc.sql(find)
                .param("tenants", tenants.toArray(UUID[]::new))
                .param("tenant", tenant)
                .param("role", role)
                .query(ScimGroupRows::row)
                .optional();
    }

    /** The group called {@code displayName} (as the rule names groups, any case) among the tenants'. */
    Optional<ScimGroups.Row> findByDisplayName(List<UUID> tenants, String displayName) {
        return jdbc.sql(findByName)
                .param("tenants", tenants.toArray(UUID[]::new))
                .param("displayName", displayName)
                .query(ScimGroupRows::row)
                .optional();
    }

    List<ScimGroups.Row> page(
            List<UUID> tenants, SqlFilter.Condition filter, String orderBy, boolean descending, int offset, int count) {
        String sql = "SELECT " + columns + FROM + "WHERE " + visible + " AND " + filter.sql() + " ORDER BY " + orderBy
                + (descending ? " DESC" : " ASC") + " NULLS LAST, t.id, r.id LIMIT :count OFFSET :offset";
        return jdbc.sql(sql)
                .params(filter.params())
                .param("tenants", tenants.toArray(UUID[]::new))
                .param("count", count)
                .param("offset", offset)
                .query(ScimGroupRows::row)
                .list();
    }

    long count(List<UUID> tenants, SqlFilter.Condition filter) {
        return jdbc.sql("SELECT count(*)" + FROM + "WHERE " + visible + " AND " + filter.sql())
                .params(filter.params())
                .param("tenants", tenants.toArray(UUID[]::new))
                .query(Long.class)
                .single();
    }

    /** The slug of the role {@code user} holds in {@code tenant}, if any. */
    Optional<String> roleOf(UUID user, UUID tenant) {
        return jdbc.sql("SELECT r.slug FROM memberships m JOIN roles r ON r.id = m.role_id"
                        + " WHERE m.user_id = :user AND m.tenant_id = :tenant")
                .param("user", user)
                .param("tenant", tenant)
                .query(String.class)
                .optional();
    }

    /** The group's members, the first {@code limit} of them by id. */
    List<ScimGroups.Member> members(UUID tenant, UUID role, int limit) {
        return jdbc.sql(MEMBERS)
                .param("tenant", tenant)
                .param("role", role)
                .param("limit", limit)
                .param("serviceAccounts", ServiceAccount.PROVIDER)
                .query((rs, i) -> new ScimGroups.Member(rs.getObject("user_id", UUID.class), rs.getString("user_name")))
                .list();
    }

    private static ScimGroups.Row row(ResultSet rs, int i) throws SQLException {
        return new ScimGroups.Row(
                rs.getObject("tenant_id", UUID.class),
                rs.getString("tenant_slug"),
                rs.getString("tenant_name"),
                rs.getObject("role_id", UUID.class),
                rs.getString("role_slug"),
                rs.getString("role_name"),
                rs.getBoolean("built_in"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getString("display_name"));
    }
}
