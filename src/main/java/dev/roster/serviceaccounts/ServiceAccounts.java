package dev.roster.serviceaccounts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Service accounts, their user rows and their secrets. */
@Repository
class ServiceAccounts {

    private static final String SELECT = """
            SELECT sa.user_id, sa.client_id, sa.name, sa.description, sa.created_at, u.is_active,
                   (SELECT max(s.created_at) FROM service_account_secrets s
                    WHERE s.user_id = sa.user_id AND s.expires_at IS NULL) AS secret_created_at,
                   (SELECT max(s.expires_at) FROM service_account_secrets s
                    WHERE s.user_id = sa.user_id AND s.expires_at > now()) AS previous_secret_expires_at
            FROM service_accounts sa JOIN users u ON u.id = sa.user_id
            """;

    private static final String FIND = SELECT + " WHERE sa.user_id = :id";

    private static final String LOCK = "SELECT user_id FROM service_accounts WHERE user_id = :id FOR UPDATE";

    // Keyset pages in id order.
    private static final String PAGE = SELECT + """
             WHERE CAST(:after AS uuid) IS NULL OR sa.user_id > CAST(:after AS uuid)
            ORDER BY sa.user_id LIMIT :limit
            """;

    private static final String COUNT = "SELECT count(*) FROM service_accounts";

    // The users row: its own provider, which the directory sync never selects (see ServiceAccount.PROVIDER).
    private static final String INSERT_USER = """
            INSERT INTO users (id, provider, external_id, email, display_name, last_synced_at)
            VALUES (:id, :provider, :clientId, :email, :name, now())
            """;

    private static final String INSERT = """
            INSERT INTO service_accounts (user_id, client_id, name, description)
            VALUES (:id, :clientId, :name, :description)
            """;

    private static final String INSERT_SECRET =
            "INSERT INTO service_account_secrets (secret_hash, user_id) VALUES (:hash, :id)";

    // A rotation: the secret replaced by an earlier rotation ends now; the current one gets the overlap.
    private static final String END_PREVIOUS_SECRETS =
            "DELETE FROM service_account_secrets WHERE user_id = :id AND expires_at IS NOT NULL";

    private static final String EXPIRE_CURRENT_SECRET = """
            UPDATE service_account_secrets SET expires_at = now() + make_interval(secs => :overlapSeconds)
            WHERE user_id = :id AND expires_at IS NULL
            """;

    private static final String DELETE_SECRETS = "DELETE FROM service_account_secrets WHERE user_id = :id";

    // Client authentication: the account's live secrets, its user row share-locked so that a deactivation running
    // at the same time either waits for the token's session to commit (and then ends it) or has already committed.
    private static final String LIVE_SECRETS = """
            SELECT u.id, u.is_active, s.secret_hash
            FROM service_accounts sa
            JOIN users u ON u.id = sa.user_id
            JOIN service_account_secrets s ON s.user_id = sa.user_id
            WHERE sa.client_id = :clientId AND (s.expires_at IS NULL OR s.expires_at > now())
            FOR SHARE OF u
            """;

    private final JdbcClient jdbc;

    ServiceAccounts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(UUID id, String clientId, String name, @Nullable String description) {
        jdbc.sql(INSERT_USER)
                .param("id", id)
                .param("provider", ServiceAccount.PROVIDER)
                .param("clientId", clientId)
                .param("email", ServiceAccount.email(clientId))
                .param("name", name)
                .update();
        jdbc.sql(INSERT)
                .param("id", id)
                .param("clientId", clientId)
                .param("name", name)
                .param("description", description)
                .update();
    }

    void addSecret(UUID id, byte[] hash) {
        jdbc.sql(INSERT_SECRET).param("hash", hash).param("id", id).update();
    }

    /** Ends the secrets an earlier rotation replaced; the current one keeps working for {@code overlap} (or ends). */
    void retireCurrentSecret(UUID id, Duration overlap) {
        jdbc.sql(END_PREVIOUS_SECRETS).param("id", id).update();
        if (overlap.isZero()) {
            jdbc.sql(DELETE_SECRETS).param("id", id).update();
        } else {
            jdbc.sql(EXPIRE_CURRENT_SECRET)
                    .param("id", id)
                    .param("overlapSeconds", overlap.toNanos() / 1e9)
                    .update();
        }
    }

    int deleteSecrets(UUID id) {
        return jdbc.sql(DELETE_SECRETS).param("id", id).update();
    }

    Optional<ServiceAccount> find(UUID id) {
        return jdbc.sql(FIND).param("id", id).query(ServiceAccounts::row).optional();
    }

    boolean lock(UUID id) {
        return jdbc.sql(LOCK).param("id", id).query(UUID.class).optional().isPresent();
    }

    List<ServiceAccount> page(@Nullable UUID after, int limit) {
        return jdbc.sql(PAGE)
                .param("after", after)
                .param("limit", limit)
                .query(ServiceAccounts::row)
                .list();
    }

    long count() {
        return jdbc.sql(COUNT).query(Long.class).single();
    }

    record LiveSecret(UUID userId, boolean active, byte[] hash) {}

    List<LiveSecret> liveSecrets(String clientId) {
        return jdbc.sql(LIVE_SECRETS)
                .param("clientId", clientId)
                .query((rs, i) -> new LiveSecret(
                        rs.getObject("id", UUID.class), rs.getBoolean("is_active"), rs.getBytes("secret_hash")))
                .list();
    }

    private static ServiceAccount row(ResultSet rs, int i) throws SQLException {
        return new ServiceAccount(
                rs.getObject("user_id", UUID.class),
                rs.getString("client_id"),
                rs.getString("name"),
                rs.getString("description"),
                rs.getBoolean("is_active"),
                java.util.Objects.requireNonNull(instant(rs, "created_at")),
                instant(rs, "secret_created_at"),
                instant(rs, "previous_secret_expires_at"));
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
