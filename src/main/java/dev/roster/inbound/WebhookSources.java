package dev.roster.inbound;

import dev.roster.platform.SealedSecrets;
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

    private static final RowMapper<WebhookSource> ROW = (rs, i) -> new WebhookSource(
            rs.getString("name"),
            rs.getString("description"),
            rs.getObject("created_at", OffsetDateTime.class).toInstant(),
            rs.getLong("version"));

    private final JdbcClient jdbc;
    private final SealedSecrets secrets;

    WebhookSources(JdbcClient jdbc) {
        this.jdbc = jdbc;
        this.secrets = new SealedSecrets(jdbc, "webhook_source_secrets", "source");
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

    void insertSecret(UUID id, String owner, byte[] sealed) {
        secrets.insert(id, owner, sealed);
    }

    void retireSecrets(String owner, Instant until) {
        secrets.retire(owner, until);
    }

    /** The secrets good now, newest first. */
    List<SealedSecrets.Sealed> liveSecrets(String owner) {
        return secrets.live(owner);
    }
}
