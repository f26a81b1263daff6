package dev.roster.memberships;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Folds {@code member_count_deltas} into {@code member_counts} (migration V016), once per cluster at a time (a
 * transaction-scoped advisory lock; a node that finds it taken skips the round). Totals are exact either way —
 * readers sum both tables in one snapshot — folding only keeps the deltas a reader sums few.
 */
@Component
class MemberCounts {

    private static final Logger log = LoggerFactory.getLogger(MemberCounts.class);
    private static final long LOCK = 0x4d656d6265727343L; // "MembersC"
    private static final int BATCH = 50_000;

    private static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock(:lock)";

    // Oldest deltas first; moved and added in one statement, which answers how many deltas it moved.
    private static final String FOLD = """
            WITH moved AS (
                DELETE FROM member_count_deltas
                WHERE id IN (SELECT id FROM member_count_deltas ORDER BY id LIMIT :batch)
                RETURNING tenant_id, role_id, delta
            ), folded AS (
                INSERT INTO member_counts AS c (tenant_id, role_id, members)
                SELECT tenant_id, role_id, sum(delta) FROM moved GROUP BY tenant_id, role_id
                ORDER BY tenant_id, role_id
                ON CONFLICT (tenant_id, role_id) DO UPDATE SET members = c.members + EXCLUDED.members
            )
            SELECT count(*) FROM moved
            """;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    MemberCounts(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    /** Folds in batches while batches come back full (a backlog), then waits for the next round. */
    @Scheduled(fixedDelayString = "PT1S", initialDelayString = "PT1S")
    void fold() {
        try {
            boolean full = true;
            while (full) {
                full = Boolean.TRUE.equals(tx.execute(status -> {
                    if (!jdbc.sql(TRY_LOCK)
                            .param("lock", LOCK)
                            .query(Boolean.class)
                            .single()) {
                        return false;
                    }
                    return jdbc.sql(FOLD)
                                    .param("batch", BATCH)
                                    .query(Long.class)
                                    .single()
                            == BATCH;
                }));
            }
        } catch (RuntimeException e) {
            log.warn("could not fold member count deltas; totals stay exact, reads just sum more rows", e);
        }
    }
}
