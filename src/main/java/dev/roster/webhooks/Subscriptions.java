package dev.roster.webhooks;

import dev.roster.platform.SealedSecrets;
import java.sql.Array;
import java.sql.SQLException;
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
    private final SealedSecrets secrets;

    Subscriptions(JdbcClient jdbc) {
        this.jdbc = jdbc;
        this.secrets = new SealedSecrets(jdbc, "webhook_subscription_secrets", "subscription_id");
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

    void insertSecret(UUID id, UUID owner, byte[] sealed) {
        secrets.insert(id, owner, sealed);
    }

    void retireSecrets(UUID owner, Instant until) {
        secrets.retire(owner, until);
    }

    /** The secrets good now, newest first. */
    List<SealedSecrets.Sealed> liveSecrets(UUID owner) {
        return secrets.live(owner);
    }

    /**
     * A PostgreSQL array literal of plain words (event types are checked before they get here), each quoted: an
     * unquoted {@code null} would be SQL NULL.
     */
    private static String arrayLiteral(List<String> values) {
        return values.stream().map(v -> "\"" + v + "\"").collect(java.util.stream.Collectors.joining(",", "{", "}"));
    }
}
