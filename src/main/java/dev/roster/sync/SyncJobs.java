package dev.roster.sync;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Leases on cluster-once jobs ({@code sync_jobs}, migration V019): a node runs a job only while it holds the lease,
 * renews it as it goes, and a node that dies lets it lapse. A run starts only once {@code interval} has passed since
 * the last start anywhere in the cluster.
 */
@Repository
class SyncJobs {

    private static final String START = """
            UPDATE sync_jobs SET holder = :node, lease_until = now() + CAST(:lease AS interval), last_started_at = now()
            WHERE name = :job
              AND (lease_until IS NULL OR lease_until < now())
              AND (last_started_at IS NULL OR last_started_at <= now() - CAST(:interval AS interval))
            RETURNING name
            """;

    private static final String RENEW = """
            UPDATE sync_jobs SET lease_until = now() + CAST(:lease AS interval)
            WHERE name = :job AND holder = :node AND lease_until >= now()
            RETURNING name
            """;

    private static final String FINISH = """
            UPDATE sync_jobs SET holder = NULL, lease_until = NULL, last_finished_at = now(),
                                 last_result = CAST(:result AS jsonb)
            WHERE name = :job AND holder = :node
            """;

    private static final String STATUS = """
            SELECT holder, lease_until, last_started_at, last_finished_at, last_result::text AS last_result
            FROM sync_jobs WHERE name = :job
            """;

    private final JdbcClient jdbc;

    SyncJobs(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    boolean start(String job, String node, Duration lease, Duration interval) {
        return jdbc.sql(START)
                .param("job", job)
                .param("node", node)
                .param("lease", millis(lease))
                .param("interval", millis(interval))
                .query(String.class)
                .optional()
                .isPresent();
    }

    /** False when the lease was lost (it lapsed and another node may have taken the job): stop. */
    boolean renew(String job, String node, Duration lease) {
        return jdbc.sql(RENEW)
                .param("job", job)
                .param("node", node)
                .param("lease", millis(lease))
                .query(String.class)
                .optional()
                .isPresent();
    }

    void finish(String job, String node, String resultJson) {
        jdbc.sql(FINISH)
                .param("job", job)
                .param("node", node)
                .param("result", resultJson)
                .update();
    }

    record Status(
            @Nullable String holder,
            @Nullable Instant leaseUntil,
            @Nullable Instant lastStartedAt,
            @Nullable Instant lastFinishedAt,
            @Nullable String lastResult) {}

    Optional<Status> status(String job) {
        return jdbc.sql(STATUS)
                .param("job", job)
                .query((rs, i) -> new Status(
                        rs.getString("holder"),
                        instant(rs.getObject("lease_until", OffsetDateTime.class)),
                        instant(rs.getObject("last_started_at", OffsetDateTime.class)),
                        instant(rs.getObject("last_finished_at", OffsetDateTime.class)),
                        rs.getString("last_result")))
                .optional();
    }

    private static @Nullable Instant instant(@Nullable OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static String millis(Duration d) {
        return d.toMillis() + " milliseconds";
    }
}
