package dev.roster.sessions;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes what can no longer matter: refresh tokens past their expiry (a used one is kept until then, so that its
 * reuse is still recognised and revokes the session), records of exchanged upstream tokens that have expired, and
 * sessions that expired or were revoked more than
 * {@link #RETENTION} ago. In small batches, each its own transaction, on one node at a time (advisory lock).
 */
@Component
class SessionCleanup {

    private static final Logger log = LoggerFactory.getLogger(SessionCleanup.class);
    private static final long LOCK = 0x726f737465722d63L; // "roster-c"
    private static final int BATCH = 5_000;
    static final Duration RETENTION = Duration.ofDays(7);

    private static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock(:lock)";

    private static final String DELETE_EXPIRED_REFRESH_TOKENS = """
            DELETE FROM refresh_tokens WHERE token_hash IN (
                SELECT token_hash FROM refresh_tokens WHERE expires_at < now() LIMIT :batch)
            """;

    private static final String DELETE_EXPIRED_EXCHANGED_TOKENS = """
            DELETE FROM exchanged_upstream_tokens WHERE token_hash IN (
                SELECT token_hash FROM exchanged_upstream_tokens WHERE expires_at < now() LIMIT :batch)
            """;

    private static final String DELETE_ENDED_SESSIONS = """
            DELETE FROM sessions WHERE id IN (
                SELECT id FROM sessions
                WHERE expires_at < now() - make_interval(secs => :retention)
                   OR revoked_at < now() - make_interval(secs => :retention)
                LIMIT :batch)
            """;

    // The successors kept for the refresh grace window: a few seconds' worth of rotations, so a scan is cheap.
    private static final String DELETE_LAPSED_SUCCESSORS =
            "DELETE FROM refresh_token_successors WHERE sealed_at < now() - make_interval(secs => :graceSeconds)";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final double graceSeconds;

    SessionCleanup(JdbcClient jdbc, TransactionTemplate tx, TokenSettings tokens) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.graceSeconds = tokens.refreshReuseGrace().toNanos() / 1e9;
    }

    /**
     * Deletes kept successors once their grace window has passed, on every node every few seconds: after that no
     * one may open them, not even someone holding both the rotated token and a copy of the database.
     */
    @Scheduled(fixedDelayString = "PT5S", initialDelayString = "PT5S")
    int forgetLapsedSuccessors() {
        return jdbc.sql(DELETE_LAPSED_SUCCESSORS)
                .param("graceSeconds", graceSeconds)
                .update();
    }

    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
    void run() {
        int tokens = drain(DELETE_EXPIRED_REFRESH_TOKENS);
        int sessions = drain(DELETE_ENDED_SESSIONS);
        int exchanged = drain(DELETE_EXPIRED_EXCHANGED_TOKENS);
        if (tokens + sessions + exchanged > 0) {
            log.info(
                    "cleanup removed {} expired refresh tokens, {} ended sessions and {} expired exchange records",
                    tokens,
                    sessions,
                    exchanged);
        }
    }

    /** Deletes in batches until a batch comes back short; 0 when another node holds the lock. */
    int drain(String statement) {
        int total = 0;
        while (true) {
            Integer deleted = tx.execute(status -> {
                if (!jdbc.sql(TRY_LOCK).param("lock", LOCK).query(Boolean.class).single()) {
                    return -1;
                }
                return jdbc.sql(statement)
                        .param("batch", BATCH)
                        .param("retention", (double) RETENTION.toSeconds())
                        .update();
            });
            if (deleted == null || deleted < 0) {
                return total;
            }
            total += deleted;
            if (deleted < BATCH) {
                return total;
            }
        }
    }
}
