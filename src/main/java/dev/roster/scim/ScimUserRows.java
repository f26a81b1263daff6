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
 * The users a SCIM client sees: members of one of its (live) tenants, and the users it provisioned itself (V030:
 * a user it has just created holds no membership yet), service accounts excepted (they are Roster's own identities,
 * never provisioned from outside). A list is the filter's condition ({@link SqlFilter}) on top, in
 * the order asked, as one {@code LIMIT/OFFSET} page, and its exact total in a {@code count(*)} with the same
 * condition.
 *
 * <p>IMPORTANT: the visibility condition is a semi-join on {@code memberships} by its primary key ({@code user_id,
 * tenant_id}), or the client's provisioning record by its primary key ({@code scim_client_id, user_id}); a user in
 * two of the client's tenants is still one row. Lookups by {@code userName}, {@code
 * emails.value} and {@code externalId} reach their indexes (V002, V028) and probe the membership per candidate.
 */
@Repository
class ScimUserRows {

    private static final String VISIBLE = """
            u.provider <> :serviceAccounts
            AND (EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.tenant_id = ANY(:tenants))
                 OR EXISTS (SELECT 1 FROM scim_provisioned_users p
                            WHERE p.scim_client_id = :client AND p.user_id = u.id))""";

    private static final String FIND = "SELECT " + ScimUsers.COLUMNS + " FROM users u WHERE u.id = :id AND " + VISIBLE;

    // The row a write changes, locked until the write commits: If-Match compares against it.
    private static final String LOCK = FIND + " FOR UPDATE OF u";

    // Who holds an upstream identity, and whether the client may take it: it sees the user already (then a create is
    // a conflict), or nobody else does (a user who signed in before being provisioned, in no tenant yet).
    private static final String IDENTITY = """
            SELECT u.id, u.email,
                   EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.tenant_id = ANY(:tenants))
                   OR EXISTS (SELECT 1 FROM scim_provisioned_users p
                              WHERE p.scim_client_id = :client AND p.user_id = u.id) AS visible,
                   EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.tenant_id <> ALL(:tenants))
                   OR EXISTS (SELECT 1 FROM scim_provisioned_users p
                              WHERE p.scim_client_id <> :client AND p.user_id = u.id) AS elsewhere
            FROM users u
            WHERE u.provider = :provider AND u.external_id = :externalId
            """;

    // Another user of the client's view with this userName (users_scim_user_name_idx).
    private static final String USER_NAME_TAKEN = "SELECT EXISTS (SELECT 1 FROM users u WHERE"
            + " lower(coalesce(u.username, u.email)) = lower(:userName) AND u.id <> :except AND " + VISIBLE + ")";

    private static final String EXTERNAL_ID_OF =
            "SELECT u.external_id FROM users u WHERE u.id = :id AND u.provider = :provider AND " + VISIBLE;

    private static final String PROVISIONED = """
            INSERT INTO scim_provisioned_users (scim_client_id, user_id) VALUES (:client, :user)
            ON CONFLICT DO NOTHING
            """;

    private static final String UNPROVISIONED =
            "DELETE FROM scim_provisioned_users WHERE scim_client_id = :client AND user_id = :user";

    private final JdbcClient jdbc;

    ScimUserRows(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<ScimUsers.Row> find(ScimCaller caller, UUID id) {
        return visible(jdbc.sql(FIND), caller)
                .param("id", id)
                .query(ScimUserRows::row)
                .optional();
    }

    /** As {@link #find}, the row locked for the rest of the transaction. */
    Optional<ScimUsers.Row> lock(ScimCaller caller, UUID id) {
        return visible(jdbc.sql(LOCK), caller)
                .param("id", id)
                .query(ScimUserRows::row)
                .optional();
    }

    /** The user holding an upstream identity, as the client may see it. */
    record Identity(UUID id, String email, boolean visible, boolean elsewhere) {}

    Optional<Identity> identity(ScimCaller caller, String provider, String externalId) {
        return jdbc.sql(IDENTITY)
                .param("tenants", caller.tenantIds().toArray(UUID[]::new))
                .param("client", caller.clientId())
                .param("provider", provider)
                .param("externalId", externalId)
                .query((rs, i) -> new Identity(
                        rs.getObject("id", UUID.class),
                        rs.getString("email"),
                        rs.getBoolean("visible"),
                        rs.getBoolean("elsewhere")))
                .optional();
    }

    // Whether the user belongs anywhere else: a live tenant the client does not manage (the root tenant included), or
    // another client's provisioning.
    private static final String BEYOND = """
            SELECT EXISTS (SELECT 1 FROM memberships m JOIN tenants t ON t.id = m.tenant_id AND t.deleted_at IS NULL
                           WHERE m.user_id = :id AND m.tenant_id <> ALL(:tenants))
                OR EXISTS (SELECT 1 FROM scim_provisioned_users p WHERE p.user_id = :id AND p.scim_client_id <> :client)
            """;

    /** Whether the user also belongs to tenants (or another client) beyond this client's. */
    boolean beyond(ScimCaller caller, UUID id) {
        return jdbc.sql(BEYOND)
                .param("id", id)
                .param("tenants", caller.tenantIds().toArray(UUID[]::new))
                .param("client", caller.clientId())
                .query(Boolean.class)
                .single();
    }

    /** Whether a user of the client's view other than {@code except} has {@code userName} (case-insensitively). */
    boolean userNameTaken(ScimCaller caller, String userName, UUID except) {
        return visible(jdbc.sql(USER_NAME_TAKEN), caller)
                .param("userName", userName)
                .param("except", except)
                .query(Boolean.class)
                .single();
    }

    /** The upstream id of a user of the client's view (a manager named by Roster id). */
    /** The upstream id of the user's manager as stored, whoever the client sees. */
    Optional<String> storedManagerOf(UUID id) {
        return jdbc.sql("SELECT reports_to_external_id FROM users WHERE id = :id")
                .param("id", id)
                .query(String.class)
                .optional();
    }

    Optional<String> externalIdOf(ScimCaller caller, String provider, UUID id) {
        return visible(jdbc.sql(EXTERNAL_ID_OF), caller)
                .param("id", id)
                .param("provider", provider)
                .query(String.class)
                .optional();
    }

    void recordProvisioned(ScimCaller caller, UUID userId) {
        jdbc.sql(PROVISIONED)
                .param("client", caller.clientId())
                .param("user", userId)
                .update();
    }

    void forgetProvisioned(ScimCaller caller, UUID userId) {
        jdbc.sql(UNPROVISIONED)
                .param("client", caller.clientId())
                .param("user", userId)
                .update();
    }

    private static JdbcClient.StatementSpec visible(JdbcClient.StatementSpec statement, ScimCaller caller) {
        return statement
                .param("serviceAccounts", ServiceAccount.PROVIDER)
                .param("tenants", caller.tenantIds().toArray(UUID[]::new))
                .param("client", caller.clientId());
    }

    /** One page: {@code orderBy} is an expression of Roster's own (a schema attribute's), never client text. */
    List<ScimUsers.Row> page(
            ScimCaller caller, SqlFilter.Condition filter, String orderBy, boolean descending, int offset, int count) {
        return visible(jdbc.sql(pageSql(filter, orderBy, descending)).params(filter.params()), caller)
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

    long count(ScimCaller caller, SqlFilter.Condition filter) {
        return visible(jdbc.sql(countSql(filter)).params(filter.params()), caller)
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
