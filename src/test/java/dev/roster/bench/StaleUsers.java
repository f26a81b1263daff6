package dev.roster.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import org.jspecify.annotations.Nullable;

/**
 * The {@code sweep} scenario's data, in Roster's database: users {@code user<i>@bench.example} that Roster has
 * never synced ({@code last_roles_sync_at} NULL: stale for the sweep), named as the directory simulator's generated
 * users are (provider: the sign-in connector's, external id: the simulator's id, which is the email), and the sweep
 * job's schedule (table {@code sync_jobs}, migration V019), which the benchmark holds back and then releases.
 */
final class StaleUsers {

    /** The simulator's users {@code <PREFIX><i>@<DOMAIN>}, as INSERT_USERS names Roster's. */
    static final String PREFIX = "user";

    static final String DOMAIN = "bench.example";

    // Everything earlier runs left: users and what hangs on them, the tenants the upstream created (each run starts
    // from the same state: the first sync of each user creates its membership, and of each tenant the tenant).
    private static final String WIPE = """
            TRUNCATE audit_log, refresh_tokens, sessions, memberships, users CASCADE;
            DELETE FROM tenants WHERE external_id IS NOT NULL;
            """;

    // Parameters: provider, number of users.
    private static final String INSERT_USERS = """
            INSERT INTO users (id, provider, external_id, email, username)
            SELECT md5('bench-sweep-user-' || i)::uuid, p.provider, e.email, e.email, 'user' || i
            FROM (SELECT ?::text AS provider) p
            CROSS JOIN generate_series(1, ?) i
            CROSS JOIN LATERAL (SELECT 'user' || i || '@bench.example' AS email) e
            """;

    // No sweep may start (its interval is long) until release(): as if one had just started, with no lease held. The
    // rate budget starts afresh too (no pause an earlier run's upstream asked for).
    private static final String HOLD_SWEEP = """
            UPDATE sync_jobs SET holder = NULL, lease_until = NULL, last_started_at = now(), last_finished_at = NULL,
                                 last_result = NULL
            WHERE name = 'sweep';
            UPDATE upstream_budget SET paused_until = NULL;
            """;

    private static final String RELEASE_SWEEP =
            "UPDATE sync_jobs SET last_started_at = NULL WHERE name = 'sweep' RETURNING clock_timestamp()";

    // The sweep's run on the database's clock: seconds from a time (the release) to its start, and its length.
    private static final String SWEEP_TIMES = """
            SELECT extract(epoch FROM last_started_at - ?) AS start_delay,
                   extract(epoch FROM last_finished_at - last_started_at) AS length
            FROM sync_jobs WHERE name = 'sweep' AND last_finished_at IS NOT NULL
            """;

    // As Roster counts them (SyncedUsers.COUNT_STALE, stale-after 12 h). Parameter: provider.
    private static final String COUNT_STALE = """
            SELECT count(*) FROM users
            WHERE provider = ? AND (last_roles_sync_at IS NULL OR last_roles_sync_at < now() - interval '12 hours')
            """;

    private static final String SWEEP_HOLDER = "SELECT holder FROM sync_jobs WHERE name = 'sweep'";

    private final String jdbcUrl;
    private final String provider;

    /** In the PostgreSQL on {@code postgresPort}; users of {@code provider}. */
    StaleUsers(int postgresPort, String provider) {
        this.jdbcUrl = "jdbc:postgresql://127.0.0.1:" + postgresPort + "/postgres";
        this.provider = provider;
    }

    /**
     * Replaces every user with {@code count} stale ones and holds the sweep back, in one transaction: nothing is
     * swept until {@link #releaseSweep()}.
     */
    void replaceAndHold(int count) throws SQLException {
        try (Connection db = connect()) {
            db.setAutoCommit(false);
            try {
                execute(db, WIPE);
                try (PreparedStatement insert = db.prepareStatement(INSERT_USERS)) {
                    insert.setString(1, provider);
                    insert.setInt(2, count);
                    insert.executeUpdate();
                }
                execute(db, HOLD_SWEEP);
                db.commit();
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            }
            db.setAutoCommit(true);
            execute(db, "ANALYZE users");
        }
    }

    /** Lets the next check of any node start a sweep; answers when, on the database's clock. */
    OffsetDateTime releaseSweep() throws SQLException {
        try (Connection db = connect();
                Statement release = db.createStatement();
                var rows = release.executeQuery(RELEASE_SWEEP)) {
            rows.next();
            return rows.getObject(1, OffsetDateTime.class);
        }
    }

    /** The finished sweep's start, seconds after {@code released}, and its length in seconds. */
    record SweepTimes(double startDelaySeconds, double seconds) {}

    /** The times of the sweep released at {@code released}, once it has finished; null before. */
    @Nullable
    SweepTimes sweepTimes(OffsetDateTime released) throws SQLException {
        try (Connection db = connect();
                PreparedStatement query = db.prepareStatement(SWEEP_TIMES)) {
            query.setObject(1, released);
            try (var rows = query.executeQuery()) {
                return rows.next() ? new SweepTimes(rows.getDouble("start_delay"), rows.getDouble("length")) : null;
            }
        }
    }

    long countStale() throws SQLException {
        try (Connection db = connect();
                PreparedStatement query = db.prepareStatement(COUNT_STALE)) {
            query.setString(1, provider);
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** The node holding the sweep's lease ({@code <pid>@<host>/<id>}), or null. */
    @Nullable
    String sweepHolder() throws SQLException {
        try (Connection db = connect();
                Statement query = db.createStatement();
                var rows = query.executeQuery(SWEEP_HOLDER)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, "postgres", "");
    }

    private static void execute(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement()) {
            statement.execute(sql);
        }
    }
}
