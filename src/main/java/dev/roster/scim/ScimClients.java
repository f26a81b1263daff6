package dev.roster.scim;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SCIM clients, their tenants and their tokens. */
@Repository
class ScimClients {

    private static final String SELECT = """
            SELECT c.id, c.name, c.created_at,
                   ARRAY(SELECT ct.tenant_id FROM scim_client_tenants ct
                         WHERE ct.client_id = c.id ORDER BY ct.tenant_id) AS tenant_ids,
                   (SELECT max(k.created_at) FROM scim_client_tokens k
                    WHERE k.client_id = c.id AND k.expires_at IS NULL) AS token_created_at,
                   (SELECT max(k.expires_at) FROM scim_client_tokens k
                    WHERE k.client_id = c.id AND k.expires_at > now()) AS previous_token_expires_at
            FROM scim_clients c
            """;

    private static final String FIND = SELECT + " WHERE c.id = :id";

    private static final String LOCK = "SELECT id FROM scim_clients WHERE id = :id FOR UPDATE";

    // Keyset pages in id order.
    private static final String PAGE = SELECT + """
             WHERE CAST(:after AS uuid) IS NULL OR c.id > CAST(:after AS uuid)
            ORDER BY c.id LIMIT :limit
            """;

    private static final String COUNT = "SELECT count(*) FROM scim_clients";

    private static final String INSERT = "INSERT INTO scim_clients (id, name) VALUES (:id, :name)";

    private static final String INSERT_TENANTS = """
            INSERT INTO scim_client_tenants (client_id, tenant_id)
            SELECT :id, t FROM unnest(CAST(:tenants AS uuid[])) t
            """;

    // Of the named tenants, those a client may provision: live, and not the root (its members administer Roster).
    private static final String PROVISIONABLE_TENANTS = """
            SELECT id FROM tenants
            WHERE id = ANY(CAST(:tenants AS uuid[])) AND deleted_at IS NULL AND id <> :root
            """;

    private static final String INSERT_TOKEN =
            "INSERT INTO scim_client_tokens (token_hash, client_id) VALUES (:hash, :id)";

    // A rotation: the token replaced by an earlier rotation ends now; the current one gets the overlap.
    private static final String END_PREVIOUS_TOKENS =
            "DELETE FROM scim_client_tokens WHERE client_id = :id AND expires_at IS NOT NULL";

    private static final String EXPIRE_CURRENT_TOKEN = """
            UPDATE scim_client_tokens SET expires_at = now() + make_interval(secs => :overlapSeconds)
            WHERE client_id = :id AND expires_at IS NULL
            """;

    private static final String DELETE_TOKENS = "DELETE FROM scim_client_tokens WHERE client_id = :id";

    private static final String DELETE = "DELETE FROM scim_clients WHERE id = :id";

    // Every SCIM request: the token's primary key, its client, and the client's live tenants.
    private static final String AUTHENTICATE = """
            SELECT c.id, c.name,
                   ARRAY(SELECT ct.tenant_id FROM scim_client_tenants ct
                         JOIN tenants t ON t.id = ct.tenant_id AND t.deleted_at IS NULL
                         WHERE ct.client_id = c.id ORDER BY ct.tenant_id) AS tenant_ids
            FROM scim_client_tokens k JOIN scim_clients c ON c.id = k.client_id
            WHERE k.token_hash = :hash AND (k.expires_at IS NULL OR k.expires_at > now())
            """;

    private final JdbcClient jdbc;

    ScimClients(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(UUID id, String name, List<UUID> tenants) {
        jdbc.sql(INSERT).param("id", id).param("name", name).update();
        jdbc.sql(INSERT_TENANTS)
                .param("id", id)
                .param("tenants", tenants.toArray(UUID[]::new))
                .update();
    }

    List<UUID> provisionable(List<UUID> tenants, UUID root) {
        return jdbc.sql(PROVISIONABLE_TENANTS)
                .param("tenants", tenants.toArray(UUID[]::new))
                .param("root", root)
                .query(UUID.class)
                .list();
    }

    void addToken(UUID id, byte[] hash) {
        jdbc.sql(INSERT_TOKEN).param("hash", hash).param("id", id).update();
    }

    /** Ends the tokens an earlier rotation replaced; the current one keeps working for {@code overlap} (or ends). */
    void retireCurrentToken(UUID id, Duration overlap) {
        jdbc.sql(END_PREVIOUS_TOKENS).param("id", id).update();
        if (overlap.isZero()) {
            jdbc.sql(DELETE_TOKENS).param("id", id).update();
        } else {
            jdbc.sql(EXPIRE_CURRENT_TOKEN)
                    .param("id", id)
                    .param("overlapSeconds", overlap.toNanos() / 1e9)
                    .update();
        }
    }

    boolean delete(UUID id) {
        return jdbc.sql(DELETE).param("id", id).update() == 1;
    }

    Optional<ScimClient> find(UUID id) {
        return jdbc.sql(FIND).param("id", id).query(ScimClients::row).optional();
    }

    boolean lock(UUID id) {
        return jdbc.sql(LOCK).param("id", id).query(UUID.class).optional().isPresent();
    }

    List<ScimClient> page(@Nullable UUID after, int limit) {
        return jdbc.sql(PAGE)
                .param("after", after)
                .param("limit", limit)
                .query(ScimClients::row)
                .list();
    }

    long count() {
        return jdbc.sql(COUNT).query(Long.class).single();
    }

    Optional<ScimCaller> authenticate(byte[] hash) {
        return jdbc.sql(AUTHENTICATE)
                .param("hash", hash)
                .query((rs, i) -> new ScimCaller(
                        rs.getObject("id", UUID.class), rs.getString("name"), uuids(rs.getArray("tenant_ids"))))
                .optional();
    }

    private static ScimClient row(ResultSet rs, int i) throws SQLException {
        return new ScimClient(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                uuids(rs.getArray("tenant_ids")),
                Objects.requireNonNull(instant(rs, "created_at")),
                instant(rs, "token_created_at"),
                instant(rs, "previous_token_expires_at"));
    }

    private static List<UUID> uuids(Array array) throws SQLException {
        return Arrays.stream((Object[]) array.getArray()).map(UUID.class::cast).toList();
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
