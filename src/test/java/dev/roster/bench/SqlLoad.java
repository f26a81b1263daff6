package dev.roster.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Checks answered by one SQL query each ({@link GrantDataset#CHECK}), sent over JDBC from the benchmark's own process
 * to Roster's database: what a check costs without Roster's cache, and without HTTP, JSON, authentication and the
 * server's threads (so it flatters SQL). Closed loop like {@link JavaLoad}: one thread per connection, each taking a
 * pooled connection (HikariCP, as Roster does) for every query, with its own share of the checks in turn. A check
 * the query denies counts as an error: every check sent is one that should be allowed.
 */
final class SqlLoad implements AutoCloseable {

    private final HikariDataSource pool;
    private final int connections;

    SqlLoad(String jdbcUrl, int connections) {
        quietHikari();
        var config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername("postgres");
        config.setPassword("");
        config.setMaximumPoolSize(connections);
        config.setMinimumIdle(connections);
        config.setPoolName("bench-sql");
        this.pool = new HikariDataSource(config);
        this.connections = connections;
    }

    String description() {
        return "JDBC, " + connections + " pooled connections";
    }

    LoadResult run(List<GrantDataset.Check> checks, Duration duration) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        var workers = new ArrayList<Worker>();
        var threads = new ArrayList<Thread>();
        for (int i = 0; i < connections; i++) {
            var worker = new Worker((int) ((long) i * checks.size() / connections), checks, deadline);
            workers.add(worker);
            threads.add(Thread.ofPlatform().name("sql-" + i).start(worker));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        var latencies = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        long requests = 0;
        long errors = 0;
        for (Worker worker : workers) {
            latencies.add(worker.latencies);
            requests += worker.requests;
            errors += worker.errors;
        }
        return new LoadResult(
                requests,
                seconds,
                latencies.getValueAtPercentile(50) / 1e3,
                latencies.getValueAtPercentile(99) / 1e3,
                errors);
    }

    @Override
    public void close() {
        pool.close();
    }

    /** HikariCP logs through SLF4J, which logback, unconfigured here, prints at DEBUG level: pool chatter. */
    private static void quietHikari() {
        if (org.slf4j.LoggerFactory.getLogger("com.zaxxer.hikari") instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    private final class Worker implements Runnable {

        private final Histogram latencies = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        private final List<GrantDataset.Check> checks;
        private final long deadline;
        private int next;
        private long requests;
        private long errors;

        Worker(int first, List<GrantDataset.Check> checks, long deadline) {
            this.next = first;
            this.checks = checks;
            this.deadline = deadline;
        }

        @Override
        public void run() {
            while (System.nanoTime() < deadline) {
                GrantDataset.Check check = checks.get(next);
                next = (next + 1) % checks.size();
                long sent = System.nanoTime();
                boolean allowed;
                try {
                    allowed = allowed(check);
                } catch (SQLException e) {
                    allowed = false;
                }
                latencies.recordValue(Math.min(
                        TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - sent), latencies.getHighestTrackableValue()));
                requests++;
                if (!allowed) {
                    errors++;
                }
            }
        }

        private boolean allowed(GrantDataset.Check check) throws SQLException {
            try (Connection db = pool.getConnection();
                    PreparedStatement query = db.prepareStatement(GrantDataset.CHECK)) {
                query.setObject(1, check.userId());
                query.setObject(2, check.tenantId());
                query.setString(3, check.permission());
                query.setString(4, check.resource());
                try (var rows = query.executeQuery()) {
                    return rows.next() && rows.getObject(1) != null;
                }
            }
        }
    }
}
