package dev.roster.inbound;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes settled inbound events (applied, unchanged, stale, ignored) after {@code ROSTER_INBOUND_RETENTION}, in
 * batches, each its own short statement; refused and pending ones stay. What each fact's newest event was
 * ({@code inbound_facts}) is kept: it is what makes a late duplicate stale.
 */
@Component
class InboundRetention {

    private static final Logger log = LoggerFactory.getLogger(InboundRetention.class);
    static final int BATCH = 5_000;

    private static final String PRUNE = """
            DELETE FROM inbound_events WHERE id IN (
                SELECT id FROM inbound_events
                WHERE outcome IN ('applied', 'unchanged', 'stale', 'ignored')
                  AND applied_at < now() - make_interval(secs => :age)
                LIMIT :batch)
            """;

    private final JdbcClient jdbc;
    private final InboundSettings settings;

    InboundRetention(JdbcClient jdbc, InboundSettings settings) {
        this.jdbc = jdbc;
        this.settings = settings;
    }

    /** Until a batch comes back short; nodes pruning at once only wait for each other's row locks. */
    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT2M")
    long prune() {
        long total = 0;
        int deleted;
        do {
            deleted = jdbc.sql(PRUNE)
                    .param("age", (double) settings.retention().toSeconds())
                    .param("batch", BATCH)
                    .update();
            total += deleted;
        } while (deleted == BATCH);
        if (total > 0) {
            log.info("inbound: pruned {} settled events", total);
        }
        return total;
    }
}
