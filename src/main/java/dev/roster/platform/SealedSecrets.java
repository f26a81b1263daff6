package dev.roster.platform;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The encrypted signing secrets of something that signs or is signed for (a change-feed subscription, a webhook
 * source): one table of {@code (id, <owner>, secret, created_at, expires_at)}, the current secret with
 * {@code expires_at} null and, while a rotation's overlap lasts, the previous one.
 */
public final class SealedSecrets {

    /** A secret as stored, encrypted; {@code expiresAt}: when it stops being good (null: the current one). */
    public record Sealed(UUID id, byte[] sealed, @Nullable Instant expiresAt) {

        public boolean liveAt(Instant now) {
            return expiresAt == null || expiresAt.isAfter(now);
        }
    }

    private final JdbcClient jdbc;
    private final String insert;
    private final String retire;
    private final String live;

    /** Over {@code table}, whose column {@code owner} names what each secret belongs to (names of our own schema). */
    public SealedSecrets(JdbcClient jdbc, String table, String owner) {
        this.jdbc = jdbc;
        this.insert = "INSERT INTO %s (id, %s, secret) VALUES (:id, :owner, :secret)".formatted(table, owner);
        // The current secret becomes the previous one until the overlap ends; an older previous one ends now.
        this.retire = """
                UPDATE %s
                SET expires_at = CASE WHEN expires_at IS NULL THEN :until ELSE least(expires_at, now()) END
                WHERE %s = :owner AND (expires_at IS NULL OR expires_at > now())
                """.formatted(table, owner);
        this.live = """
                SELECT id, secret, expires_at FROM %s
                WHERE %s = :owner AND (expires_at IS NULL OR expires_at > now())
                ORDER BY created_at DESC
                """.formatted(table, owner);
    }

    public void insert(UUID id, Object owner, byte[] sealed) {
        jdbc.sql(insert)
                .param("id", id)
                .param("owner", owner)
                .param("secret", sealed)
                .update();
    }

    /** Starts the overlap: the current secret stays good until {@code until}, an older one ends now. */
    public void retire(Object owner, Instant until) {
        jdbc.sql(retire)
                .param("owner", owner)
                .param("until", Timestamp.from(until))
                .update();
    }

    /** The secrets good now, newest first. */
    public List<Sealed> live(Object owner) {
        return jdbc.sql(live)
                .param("owner", owner)
                .query((rs, i) -> {
                    OffsetDateTime expires = rs.getObject("expires_at", OffsetDateTime.class);
                    return new Sealed(
                            rs.getObject("id", UUID.class),
                            rs.getBytes("secret"),
                            expires == null ? null : expires.toInstant());
                })
                .list();
    }
}
