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
 * The users a SCIM client sees: members of one of its (live) tenants, service accounts excepted (they are Roster's
 * own identities, never provisioned from outside). A list is the filter's condition ({@link SqlFilter}) on top, in
 * the order asked, as one {@code LIMIT/OFFSET} page, and its exact total in a {@code count(*)} with the same
 * condition.
 *
 * <p>IMPORTANT: the visibility condition is a semi-join on {@code memberships} by its primary key ({@code user_id,
 * tenant_id}); a user in two of the client's tenants is still one row. Lookups by {@code userName}, {@code
 * emails.value} and {@code externalId} reach their indexes (V002, V028) and probe the membership per candidate.
 */
@Repository
class ScimUserRows {

    private static final String VISIBLE = """
            u.provider <> :serviceAccounts
            AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.tenant_id = ANY(:tenants))""";

    private static final String FIND = "SELECT " + ScimUsers.COLUMNS + " FROM users u WHERE u.id = :id AND " + VISIBLE;

    private final JdbcClient jdbc;

    ScimUserRows(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<ScimUsers.Row> find(List<UUID> tenants, UUID id) {
        return jdbc.sql(FIND)
                .param("id", id)
                .param("serviceAccounts", ServiceAccount.PROVIDER)
                .param("tenants", tenants.toArray(UUID[]::new))
                .query(ScimUserRows::row)
                .optional();
    }

    /** One page: {@code orderBy} is an expression of Roster's own (a schema attribute's), never client text. */
    List<ScimUsers.Row> page(
            List<UUID> tenants, SqlFilter.Condition filter, String orderBy, boolean descending, int offset, int count) {
        return jdbc.sql(pageSql(filter, orderBy, descending))
                .params(filter.params())
                .param("serviceAccounts", ServiceAccount.PROVIDER)
                .param("tenants", tenants.toArray(UUID[]::new))
                .param("count", count)
                .param("offset", offset)
                .query(ScimUserRows::row)
                .list();
    }

    /** The statement of a page (the plan tests EXPLAIN it). */
    static String pageSql(SqlFilter.Condition filter, String orderBy, boolean descending) {
        return "SELECT " + ScimUsers.COLUMNS + " FROM users u WHERE " + VISIBLE + " AND " + filter.sql() + " ORDER BY "
                + orderBy + (descending ? " DESC" : " ASC") + " NULLS LAST, u.id LIMIT :count OFFSET :offset";
    }

    long count(List<UUID> tenants, SqlFilter.Condition filter) {
        return jdbc.sql(countSql(filter))
                .params(filter.params())
                .param("serviceAccounts", ServiceAccount.PROVIDER)
                .param("tenants", tenants.toArray(UUID[]::new))
                .query(Long.class)
                .single();
    }

    static String countSql(SqlFilter.Condition filter) {
        return "SELECT count(*) FROM users u WHERE " + VISIBLE + " AND " + filter.sql();
    }

    private static ScimUsers.Row row(ResultSet rs, int i) throws SQLException {
        return new ScimUsers.Row(
                rs.getObject("id", UUID.class),
                rs.getString("external_id"),
                rs.getString("username"),
                rs.getString("email"),
                rs.getString("first_name"),
                rs.getString("middle_name"),
                rs.getString("last_name"),
                rs.getString("display_name"),
                rs.getString("image"),
                rs.getString("position_title"),
                rs.getString("division"),
                rs.getString("department"),
                rs.getString("section"),
                rs.getString("custom_team"),
                rs.getObject("hierarchy_level", Integer.class),
                rs.getBoolean("is_leader"),
                rs.getObject("reports_to_id", UUID.class),
                rs.getBoolean("is_active"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant());
    }
}
