package dev.roster.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps the outbox small and visible: prunes delivered events after {@code ROSTER_OUTBOX_RETENTION} and dead ones
 * after {@code ROSTER_OUTBOX_DEAD_RETENTION}, in batches of short transactions on one node at a time; and measures
 * the backlog per target kind for the gauges {@code roster_outbox_backlog}, {@code roster_outbox_oldest_pending_seconds}
 * and {@code roster_outbox_dead}.
 */
@Component
class OutboxHousekeeping {

    private static final Logger log = LoggerFactory.getLogger(OutboxHousekeeping.class);
    private static final long LOCK = 0x726f737465722d6fL; // "roster-o"
    static final int BATCH = 5_000;

    private static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock(:lock)";

    private static final String PRUNE_DELIVERED = """
            DELETE FROM outbox WHERE id IN (
                SELECT id FROM outbox WHERE delivered_at < now() - make_interval(secs => :age) LIMIT :batch)
            """;

    private static final String PRUNE_DEAD = """
            DELETE FROM outbox WHERE id IN (
                SELECT id FROM outbox WHERE dead_at < now() - make_interval(secs => :age) LIMIT :batch)
            """;

    // Each matches a partial index's predicate (outbox_due_idx, outbox_dead_idx): delivered rows are never read.
    private static final String PENDING = """
            SELECT split_part(target, ':', 1) AS kind, count(*) AS n,
                   coalesce(extract(epoch FROM now() - min(created_at)), 0) AS oldest
            FROM outbox
            WHERE delivered_at IS NULL AND dead_at IS NULL
            GROUP BY 1
            """;

    private static final String DEAD = """
            SELECT split_part(target, ':', 1) AS kind, count(*) AS n, 0 AS oldest
            FROM outbox
            WHERE dead_at IS NOT NULL
            GROUP BY 1
            """;

    private record Backlog(AtomicLong pending, AtomicLong oldestSeconds, AtomicLong dead) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final OutboxSettings settings;
    private final MeterRegistry meters;
    private final Map<String, Backlog> backlogs = new ConcurrentHashMap<>();

    OutboxHousekeeping(JdbcClient jdbc, TransactionTemplate tx, OutboxSettings settings, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.settings = settings;
        this.meters = meters;
    }

    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
    void prune() {
        long delivered = drain(PRUNE_DELIVERED, settings.retention());
        long dead = drain(PRUNE_DEAD, settings.deadRetention());
        if (delivered + dead > 0) {
            log.info("outbox: pruned {} delivered and {} dead events", delivered, dead);
        }
    }

    /** Deletes in batches (each its own transaction) until one comes back short; 0 when another node is at it. */
    long drain(String statement, Duration age) {
        long total = 0;
        while (true) {
            Integer deleted = tx.execute(status -> {
                if (!jdbc.sql(TRY_LOCK).param("lock", LOCK).query(Boolean.class).single()) {
                    return -1;
                }
                return jdbc.sql(statement)
                        .param("age", (double) age.toSeconds())
                        .param("batch", BATCH)
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

    long pruneDelivered() {
        return drain(PRUNE_DELIVERED, settings.retention());
    }

    @Scheduled(fixedDelayString = "PT15S", initialDelayString = "PT1S")
    void measure() {
        var pending = new java.util.HashMap<String, long[]>();
        var dead = new java.util.HashMap<String, long[]>();
        jdbc.sql(PENDING).query(rs -> {
            pending.put(rs.getString("kind"), new long[] {rs.getLong("n"), Math.round(rs.getDouble("oldest"))});
        });
        jdbc.sql(DEAD).query(rs -> {
            dead.put(rs.getString("kind"), new long[] {rs.getLong("n"), 0});
        });
        pending.keySet().forEach(this::backlog);
        dead.keySet().forEach(this::backlog);
        backlogs.forEach((kind, b) -> {
            long[] p = pending.getOrDefault(kind, new long[2]);
            b.pending().set(p[0]);
            b.oldestSeconds().set(p[1]);
            b.dead().set(dead.getOrDefault(kind, new long[2])[0]);
        });
    }

    private Backlog backlog(String kind) {
        return backlogs.computeIfAbsent(kind, k -> {
            var b = new Backlog(new AtomicLong(), new AtomicLong(), new AtomicLong());
            Gauge.builder("roster.outbox.backlog", b.pending(), AtomicLong::get)
                    .description("Events waiting for delivery (not dead)")
                    .tag("target", k)
                    .register(meters);
            Gauge.builder("roster.outbox.oldest.pending", b.oldestSeconds(), AtomicLong::get)
                    .description("Age of the oldest event waiting for delivery")
                    .baseUnit("seconds")
                    .tag("target", k)
                    .register(meters);
            Gauge.builder("roster.outbox.dead", b.dead(), AtomicLong::get)
                    .description("Dead events, kept for an operator to replay")
                    .tag("target", k)
                    .register(meters);
            return b;
        });
    }
}
