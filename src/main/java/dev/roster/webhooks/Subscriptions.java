package dev.roster.webhooks;

import java.sql.Array;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The SQL of subscriptions and their encrypted secrets. */
@Repository
class Subscriptions {

    private static final String COLUMNS =
            "id, url, description, event_types, enabled, disabled_reason, created_at, updated_at, version";

    private static final String INSERT = """
            INSERT INTO webhook_subscriptions (id, url, description, event_types, version)
            VALUES (:id, :url, :description, CAST(:eventTypes AS text[]), :version)
            RETURNING %s
            """.formatted(COLUMNS);

    private static final String FIND = "SELECT " + COLUMNS + " FROM webhook_subscriptions WHERE id = :id";
    private static final String LOCK = FIND + " FOR UPDATE";
    private static final String ALL = "SELECT " + COLUMNS + " FROM webhook_subscriptions ORDER BY id";
    private static final String PAGE = """
            SELECT %s FROM webhook_subscriptions WHERE (CAST(:after AS uuid) IS NULL OR id > :after)
            ORDER BY id LIMIT :limit
            """.formatted(COLUMNS);
    private static final String COUNT = "SELECT count(*) FROM webhook_subscriptions";

    private static final String UPDATE = """
            UPDATE webhook_subscriptions
            SET url = :url, description = :description, event_types = CAST(:eventTypes AS text[]), enabled = :enabled,
                disabled_reason = :disabledReason, updated_at = now(), version = :version
            WHERE id = :id
            RETURNING %s
            """.formatted(COLUMNS);

    private static final String DELETE = "DELETE FROM webhook_subscriptions WHERE id = :id RETURNING " + COLUMNS;

    private static final String INSERT_SECRET = """
            INSERT INTO webhook_subscription_secrets (id, subscription_id, secret) VALUES (:id, :subscription, :secret)
            """;
    // The current secret becomes the previous one until the overlap ends; an older previous one ends now.
    private static final String RETIRE_SECRETS = """
            UPDATE webhook_subscription_secrets
            SET expires_at = CASE WHEN expires_at IS NULL THEN :until ELSE least(expires_at, now()) END
            WHERE subscription_id = :subscription AND (expires_at IS NULL OR expires_at > now())
            """;
    private static final String LIVE_SECRETS = """
            SELECT id, secret, expires_at FROM webhook_subscription_secrets
            WHERE subscription_id = :subscription AND (expires_at IS NULL OR expires_at > now())
            ORDER BY created_at DESC
            """;

    /** A signing secret, encrypted; {@code expiresAt}: when it stops signing (null: the current one). */
    record SealedSecret(UUID id, byte[] sealed, @Nullable Instant expiresAt) {

        boolean liveAt(Instant now) {
            return expiresAt == null || expiresAt.isAfter(now);
        }
    }

    static final RowMapper<Subscription> ROW = (rs, i) -> new Subscription(
            rs.getObject("id", UUID.class),
            rs.getString("url"),
            rs.getString("description"),
            texts(rs.getArray("event_types")),
            rs.getBoolean("enabled"),
            rs.getString("disabled_reason"),
            rs.getObject("created_at", OffsetDateTime.class).toInstant(),
            rs.getObject("updated_at", OffsetDateTime.class).toInstant(),
            rs.getLong("version"));

    private static List<String> texts(Array array) throws SQLException {
        return List.of((String[]) array.getArray());
    }

    private final JdbcClient jdbc;

    Subscriptions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Subscription insert(UUID id, String url, @Nullable String description, List<String> eventTypes, long version) {
        return jdbc.sql(INSERT)
                .param("id", id)
                .param("url", url)
                .param("description", description)
                .param("eventTypes", arrayLiteral(eventTypes))
                .param("version", version)
                .query(ROW)
                .single();
    }

    Optional<Subscription> find(UUID id) {
        return jdbc.sql(FIND).param("id", id).query(ROW).optional();
    }

    Optional<Subscription> lock(UUID id) {
        return jdbc.sql(LOCK).param("id", id).query(ROW).optional();
    }

    List<Subscription> all() {
        return jdbc.sql(ALL).query(ROW).list();
    }

    List<Subscription> page(@Nullable UUID after, int limit) {
        return jdbc.sql(PAGE)
                .param("after", after)
                .param("limit", limit)
                .query(ROW)
                .list();
    }

    long count() {
        return jdbc.sql(COUNT).query(Long.class).single();
    }

    Subscription update(Subscription s, long version) {
        return jdbc.sql(UPDATE)
                .param("id", s.id())
                .param("url", s.url())
                .param("description", s.description())
                .param("eventTypes", arrayLiteral(s.eventTypes()))
                .param("enabled", s.enabled())
                .param("disabledReason", s.disabledReason())
                .param("version", version)
                .query(ROW)
                .single();
    }

    Optional<Subscription> delete(UUID id) {
        return jdbc.sql(DELETE).param("id", id).query(ROW).optional();
    }

    void insertSecret(UUID id, UUID subscription, byte[] sealed) {
        jdbc.sql(INSERT_SECRET)
                .param("id", id)
                .param("subscription", subscription)
                .param("secret", sealed)
                .update();
    }

    void retireSecrets(UUID subscription, Instant until) {
        jdbc.sql(RETIRE_SECRETS)
                .param("subscription", subscription)
                .param("until", Timestamp.from(until))
                .update();
    }

    /** The secrets deliveries are signed with now, newest first. */
    List<SealedSecret> liveSecrets(UUID subscription) {
        return jdbc.sql(LIVE_SECRETS)
                .param("subscription", subscription)
                .query((rs, i) -> {
                    OffsetDateTime expires = rs.getObject("expires_at", OffsetDateTime.class);
                    return new SealedSecret(
                            rs.getObject("id", UUID.class),
                            rs.getBytes("secret"),
                            expires == null ? null : expires.toInstant());
                })
                .list();
    }

    /**
     * A PostgreSQL array literal of plain words (event types are checked before they get here), each quoted: an
     * unquoted {@code null} would be SQL NULL.
     */
    private static String arrayLiteral(List<String> values) {
        return values.stream().map(v -> "\"" + v + "\"").collect(java.util.stream.Collectors.joining(",", "{", "}"));
    }
}
