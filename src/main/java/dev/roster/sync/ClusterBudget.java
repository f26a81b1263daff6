package dev.roster.sync;

import dev.roster.connectors.UpstreamBudget;
import dev.roster.connectors.UpstreamCallFailed;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The upstream rate budget every node shares ({@code roster.sync.budget.rate} requests a second, cluster-wide),
 * kept in one row of {@code upstream_budget}. Permits belong to one-second windows of the database's clock; a node
 * takes them in small chunks (one statement per chunk, not per call) and spends them within their window, so the
 * nodes together never exceed the rate however many there are. Interactive calls (sign-in, admin search) never wait:
 * they are counted against the next chunk, so background work makes room for them. The upstream's
 * {@code Retry-After} pauses every node's background calls until it has passed.
 */
@Component
class ClusterBudget implements UpstreamBudget {

    // One statement: start a new window or add to the current one, never beyond the rate, unless paused.
    private static final String TAKE = """
            WITH current AS (
                SELECT b.name, b.window_start, b.used, b.paused_until,
                       date_trunc('second', clock_timestamp()) AS now_window
                FROM upstream_budget b WHERE b.name = 'default' FOR UPDATE
            ), taken AS (
                UPDATE upstream_budget b
                SET window_start = c.now_window,
                    used = least(:rate, CASE WHEN c.window_start = c.now_window THEN c.used ELSE 0 END + :debt)
                           + CASE WHEN c.paused_until > clock_timestamp() THEN 0
                                  ELSE least(:chunk, greatest(0, :rate - least(:rate,
                                      CASE WHEN c.window_start = c.now_window THEN c.used ELSE 0 END + :debt)))
                             END
                FROM current c
                WHERE b.name = c.name
                RETURNING b.used - least(:rate, CASE WHEN c.window_start = c.now_window THEN c.used ELSE 0 END
                                                + :debt) AS granted,
                          extract(epoch FROM (c.now_window + interval '1 second' - clock_timestamp())) AS window_left,
                          extract(epoch FROM (c.paused_until - clock_timestamp())) AS paused_for
            )
            SELECT granted, window_left, paused_for FROM taken
            """;

    private static final String PAUSE = """
            UPDATE upstream_budget
            SET paused_until = greatest(coalesce(paused_until, clock_timestamp()),
                                        clock_timestamp() + CAST(:pause AS interval))
            WHERE name = 'default'
            """;

    private final JdbcClient jdbc;
    private final SyncSettings.Budget settings;
    private final SyncMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();

    // Guarded by lock: permits this node holds, valid until windowEnds (System.nanoTime()).
    private int permits;
    private long windowEnds;
    // Interactive calls not yet counted against the cluster's budget: the next chunk taken pays for them. Not under
    // the lock, which a background call holds through its round trip to the database: a sign-in never waits for it.
    private final java.util.concurrent.atomic.AtomicInteger interactiveDebt =
            new java.util.concurrent.atomic.AtomicInteger();

    ClusterBudget(JdbcClient jdbc, SyncSettings settings, SyncMetrics metrics) {
        this.jdbc = jdbc;
        this.settings = settings.budget();
        this.metrics = metrics;
    }

    @Override
    public void acquire(Priority priority) {
        if (priority == Priority.INTERACTIVE) {
            // A permit this node holds if the lock is free at once; else owed, never waited for.
            if (lock.tryLock()) {
                try {
                    if (permits > 0 && System.nanoTime() < windowEnds) {
                        permits--;
                        return;
                    }
                } finally {
                    lock.unlock();
                }
            }
            interactiveDebt.incrementAndGet();
            return;
        }
        long start = System.nanoTime();
        long deadline = start + settings.maxWait().toNanos();
        boolean waited = false;
        while (true) {
            long sleep;
            lock.lock();
            try {
                long now = System.nanoTime();
                if (permits > 0 && now < windowEnds) {
                    permits--;
                    break;
                }
                Taken taken = take();
                if (taken.granted() > 0) {
                    permits = taken.granted() - 1;
                    windowEnds = now + taken.windowLeft().toNanos();
                    break;
                }
                sleep = Math.max(taken.windowLeft().toNanos(), taken.pausedFor().toNanos());
            } finally {
                lock.unlock();
            }
            // Spread the nodes' next tries over the first part of the next window.
            sleep += ThreadLocalRandom.current()
                    .nextLong(Math.max(1, Duration.ofMillis(20).toNanos()));
            if (System.nanoTime() + sleep > deadline) {
                throw new UpstreamCallFailed(
                        UpstreamCallFailed.Kind.BUDGET_EXHAUSTED,
                        "no permit of the upstream rate budget within " + settings.maxWait());
            }
            waited = true;
            sleepNanos(sleep);
        }
        if (waited) {
            metrics.budgetWaited(Duration.ofNanos(System.nanoTime() - start));
        }
    }

    @Override
    public void pause(Duration duration) {
        if (duration.isPositive()) {
            jdbc.sql(PAUSE)
                    .param("pause", duration.toMillis() + " milliseconds")
                    .update();
            lock.lock();
            try {
                permits = 0;
            } finally {
                lock.unlock();
            }
        }
    }

    private record Taken(int granted, Duration windowLeft, Duration pausedFor) {}

    private Taken take() {
        int rate = settings.rate();
        // Small chunks: a node never sits on much of a window another node could use.
        int chunk = Math.max(1, rate / 10);
        int debt = interactiveDebt.get();
        Taken taken = jdbc.sql(TAKE)
                .param("rate", rate)
                .param("chunk", chunk)
                .param("debt", debt)
                .query((rs, i) -> new Taken(
                        rs.getInt("granted"),
                        seconds(rs.getDouble("window_left")),
                        seconds(rs.getObject("paused_for") == null ? 0 : rs.getDouble("paused_for"))))
                .single();
        interactiveDebt.addAndGet(-debt);
        return taken;
    }

    private static Duration seconds(double seconds) {
        return seconds <= 0 ? Duration.ZERO : Duration.ofNanos((long) (seconds * 1e9));
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamCallFailed(UpstreamCallFailed.Kind.BUDGET_EXHAUSTED, "interrupted waiting for a permit");
        }
    }
}
