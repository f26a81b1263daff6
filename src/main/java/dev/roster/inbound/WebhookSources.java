package dev.roster.inbound;

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

/** The SQL of webhook sources and their encrypted secrets. */
@Repository
class WebhookSources {

    private static final String COLUMNS = "name, description, created_at, version";

    private static final String INSERT = """
            INSERT INTO webhook_sources (name, description, version) VALUES (:name, :description, :version)
            ON CONFLICT DO NOTHING
            RETURNING %s
            """.formatted(COLUMNS);
    private static final String FIND = "SELECT " + COLUMNS + " FROM webhook_sources WHERE name = :name";
    private static final String LOCK = FIND + " FOR UPDATE";
    private static final String PAGE = """
            SELECT %s FROM webhook_sources WHERE (CAST(:after AS text) IS NULL OR name > :after)
            ORDER BY name LIMIT :limit
            """.formatted(COLUMNS);
    private static final String COUNT = "SELECT count(*) FROM webhook_sources";
    private static final String DELETE = "DELETE FROM webhook_sources WHERE name = :name RETURNING " + COLUMNS;

    private static final String INSERT_SECRET =
            "INSERT INTO webhook_source_secrets (id, source, secret) VALUES (:id, :source, :secret)";
    // The current secret becomes the previous one until the overlap ends; an older previous one ends now.
    private static final String RETIRE_SECRETS = """
            UPDATE webhook_source_secrets
            SET expires_at = CASE WHEN expires_at IS NULL THEN :until ELSE least(expires_at, now()) END
            WHERE source = :source AND (expires_at IS NULL OR expires_at > now())
            """;
    private static final String LIVE_SECRETS = """
            SELECT id, secret, expires_at FROM webhook_source_secrets
            WHERE source = :source AND (expires_at IS NULL OR expires_at > now())
            ORDER BY created_at DESC
            """;

    /** A signing secret, encrypted; {@code expiresAt}: when it stops being accepted (null: the current one). */
    record SealedSecret(UUID id, byte[] sealed, @Nullable Instant expiresAt) {

        boolean liveAt(Instant now) {
            return expiresAt == null || expiresAt.isAfter(now);
        }
    }

    private static final RowMapper<WebhookSource> ROW = (rs, i) -> new WebhookSource(
            rs.getString("name"),
            rs.getString("description"),
            rs.getObject("created_at", OffsetDateTime.class).toInstant(),
            rs.getLong("version"));

    private final JdbcClient jdbc;

    WebhookSources(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<WebhookSource> insert(String name, @Nullable String description, long version) {
        return jdbc.sql(INSERT)
                .param("name", name)
                .param("description", description)
                .param("version", version)
                .query(ROW)
                .optional();
    }

    Optional<WebhookSource> find(String name) {
        return jdbc.sql(FIND).param("name", name).query(ROW).optional();
    }

    Optional<WebhookSource> lock(String name) {
        return jdbc.sql(LOCK).param("name", name).query(ROW).optional();
    }

    List<WebhookSource> page(@Nullable String after, int limit) {
        return jdbc.sql(PAGE)
                .param("after", after)
                .param("limit", limit)
                .query(ROW)
                .list();
    }

    long count() {
        return jdbc.sql(COUNT).query(Long.class).single();
    }

    Optional<WebhookSource> delete(String name) {
        return jdbc.sql(DELETE).param("name", name).query(ROW).optional();
    }

    void insertSecret(UUID id, String source, byte[] sealed) {
        jdbc.sql(INSERT_SECRET)
                .param("id", id)
                .param("source", source)
                .param("secret", sealed)
                .update();
    }

    void retireSecrets(String source, Instant until) {
        jdbc.sql(RETIRE_SECRETS)
                .param("source", source)
                .param("until", Timestamp.from(until))
                .update();
    }

    /** The secrets a delivery may be signed with now, newest first. */
    List<SealedSecret> liveSecrets(String source) {
        return jdbc.sql(LIVE_SECRETS)
                .param("source", source)
                .query((rs, i) -> {
                    OffsetDateTime expires = rs.getObject("expires_at", OffsetDateTime.class);
                    return new SealedSecret(
                            rs.getObject("id", UUID.class),
                            rs.getBytes("secret"),
                            expires == null ? null : expires.toInstant());
                })
                .list();
    }
}
