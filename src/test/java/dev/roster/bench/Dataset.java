package dev.roster.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The benchmark's users, tenants and memberships, written by set-based SQL straight into Roster's database. A marker
 * table ({@code bench.dataset}) records what was generated, so a run reuses a dataset of the size it asks for and
 * regenerates anything else. Generation is one transaction: an interrupted run leaves no half dataset.
 *
 * <p>Users are {@code user<i>@bench.example} with the demo provider's issuer as {@code provider} and their email as
 * {@code external_id}: exactly who the demo identity provider, in open-directory mode, signs in for that email.
 * Ids are {@code md5(...)::uuid} of the index, so the SQL needs no lookups to connect rows.
 */
final class Dataset {

    static final String ONE_MEMBERSHIP_EMAIL = "one-membership@bench.example";
    static final String MANY_MEMBERSHIPS_EMAIL = "many-memberships@bench.example";
    static final int MANY_MEMBERSHIPS = 1_000;

    private static final String MARKER = """
            CREATE SCHEMA IF NOT EXISTS bench;
            CREATE TABLE IF NOT EXISTS bench.dataset (
                users        integer     NOT NULL,
                tenants      integer     NOT NULL,
                memberships  integer     NOT NULL,
                provider     text        NOT NULL,
                generated_at timestamptz NOT NULL DEFAULT now()
            );
            """;

    private static final String READ_MARKER = "SELECT users, tenants, memberships, provider FROM bench.dataset";

    private static final String WIPE = """
            TRUNCATE bench.dataset, refresh_tokens, sessions, memberships, users;
            DELETE FROM tenants WHERE slug LIKE 'bench-%';
            """;

    private static final String INSERT_TENANTS = """
            INSERT INTO tenants (id, slug, name)
            SELECT md5('bench-tenant-' || i)::uuid, 'bench-' || i, 'Bench tenant ' || i
            FROM generate_series(1, ?) i
            """;

    // Parameters: provider, number of users.
    private static final String INSERT_USERS = """
            INSERT INTO users (id, provider, external_id, email, username, first_name, last_name, display_name,
                               last_synced_at)
            SELECT md5('bench-user-' || i)::uuid, ?, 'user' || i || '@bench.example', 'user' || i || '@bench.example',
                   'user' || i, 'User', 'Number ' || i, 'User ' || i, now()
            FROM generate_series(1, ?) i
            """;

    // Parameters: provider, email (twice).
    private static final String INSERT_USER = """
            INSERT INTO users (id, provider, external_id, email, username, last_synced_at)
            VALUES (md5(?)::uuid, ?, ?, ?, split_part(?, '@', 1), now())
            """;

    /**
     * User i gets {@code base} memberships (one more while i <= {@code extra}) in the tenants first, first + stride,
     * first + 2 stride, ... (mod tenants) from a random first one: distinct, since base + 1 <= tenants / stride.
     * Each with a random global role. Parameters: tenants, base, extra, users, stride, tenants.
     */
    private static final String INSERT_MEMBERSHIPS = """
            WITH global_roles AS MATERIALIZED (
                SELECT array_agg(id ORDER BY priority) AS ids FROM roles
                WHERE tenant_id IS NULL
                  AND slug IN ('super_admin', 'tenant_admin', 'operator', 'developer', 'viewer')
            ), per_user AS MATERIALIZED (
                SELECT i, floor(random() * ?)::int AS first_tenant, ? + (i <= ?)::int AS n
                FROM generate_series(1, ?) i
            )
            INSERT INTO memberships (user_id, tenant_id, role_id)
            SELECT md5('bench-user-' || u.i)::uuid,
                   md5('bench-tenant-' || ((u.first_tenant + k * ?) % ? + 1))::uuid,
                   r.ids[1 + floor(random() * cardinality(r.ids))::int]
            FROM per_user u CROSS JOIN global_roles r CROSS JOIN LATERAL generate_series(0, u.n - 1) k
            """;

    // Parameters: user id seed, number of tenants (the first ones).
    private static final String INSERT_MEMBERSHIPS_OF_ONE = """
            INSERT INTO memberships (user_id, tenant_id, role_id)
            SELECT md5(?)::uuid, md5('bench-tenant-' || i)::uuid,
                   (SELECT id FROM roles WHERE tenant_id IS NULL AND slug = 'developer')
            FROM generate_series(1, ?) i
            """;

    private static final String WRITE_MARKER =
            "INSERT INTO bench.dataset (users, tenants, memberships, provider) VALUES (?, ?, ?, ?)";

    private static final String CHANGE_PROVIDER = "UPDATE users SET provider = ? WHERE provider = ?";

    private static final String CHANGE_MARKER_PROVIDER = "UPDATE bench.dataset SET provider = ?";

    // Parameters: provider, count. Only the generated users, each with one random tenant of theirs.
    private static final String SAMPLE = """
            SELECT s.email, m.tenant_id
            FROM (SELECT id, email FROM users
                  WHERE provider = ? AND email LIKE 'user%@bench.example'
                  ORDER BY random() LIMIT ?) s
            CROSS JOIN LATERAL (SELECT tenant_id FROM memberships WHERE user_id = s.id ORDER BY random() LIMIT 1) m
            """;

    record Size(int users, int tenants, int memberships) {}

    /** A generated user to sign in, with one tenant they are a member of. */
    record SampledUser(String email, UUID tenantId) {}

    private final String jdbcUrl;
    private final String provider;

    /** The dataset in the PostgreSQL on {@code postgresPort}, its users signing in at {@code provider} (an issuer). */
    Dataset(int postgresPort, String provider) {
        this.jdbcUrl = "jdbc:postgresql://127.0.0.1:" + postgresPort + "/postgres";
        this.provider = provider;
    }

    /** Makes the database hold exactly {@code size} for the provider; true when it had to generate it. */
    boolean ensure(Size size) throws SQLException {
        try (Connection db = connect()) {
            execute(db, MARKER);
            Marker marker = readMarker(db);
            if (marker != null && marker.size().equals(size)) {
                if (!marker.provider().equals(provider)) {
                    changeProvider(db, marker.provider(), provider);
                }
                return false;
            }
            generate(db, size, provider);
            return true;
        }
    }

    /** {@code count} random generated users, each with one of their tenants. */
    List<SampledUser> sample(int count) throws SQLException {
        try (Connection db = connect();
                PreparedStatement query = db.prepareStatement(SAMPLE)) {
            query.setString(1, provider);
            query.setInt(2, count);
            var users = new ArrayList<SampledUser>(count);
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    users.add(new SampledUser(rows.getString("email"), rows.getObject("tenant_id", UUID.class)));
                }
            }
            return users;
        }
    }

    private record Marker(Size size, String provider) {}

    private static Marker readMarker(Connection db) throws SQLException {
        try (Statement query = db.createStatement();
                var rows = query.executeQuery(READ_MARKER)) {
            if (!rows.next()) {
                return null;
            }
            return new Marker(
                    new Size(rows.getInt("users"), rows.getInt("tenants"), rows.getInt("memberships")),
                    rows.getString("provider"));
        }
    }

    private static void generate(Connection db, Size size, String provider) throws SQLException {
        int base = size.memberships() / size.users();
        int extra = size.memberships() % size.users();
        int stride = size.tenants() / (extra > 0 ? base + 1 : base);
        inTransaction(db, () -> {
            execute(db, WIPE);
            update(db, INSERT_TENANTS, size.tenants());
            update(db, INSERT_USERS, provider, size.users());
            update(db, INSERT_MEMBERSHIPS, size.tenants(), base, extra, size.users(), stride, size.tenants());
            insertUserWithFirstTenants(db, provider, ONE_MEMBERSHIP_EMAIL, 1);
            insertUserWithFirstTenants(
                    db, provider, MANY_MEMBERSHIPS_EMAIL, Math.min(MANY_MEMBERSHIPS, size.tenants()));
            update(db, WRITE_MARKER, size.users(), size.tenants(), size.memberships(), provider);
        });
        execute(db, "ANALYZE tenants, users, memberships");
    }

    private static void insertUserWithFirstTenants(Connection db, String provider, String email, int tenants)
            throws SQLException {
        update(db, INSERT_USER, email, provider, email, email, email);
        update(db, INSERT_MEMBERSHIPS_OF_ONE, email, tenants);
    }

    private static void changeProvider(Connection db, String from, String to) throws SQLException {
        inTransaction(db, () -> {
            update(db, CHANGE_PROVIDER, to, from);
            update(db, CHANGE_MARKER_PROVIDER, to);
        });
    }

    private interface SqlWork {
        void run() throws SQLException;
    }

    private static void inTransaction(Connection db, SqlWork work) throws SQLException {
        db.setAutoCommit(false);
        try {
            work.run();
            db.commit();
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
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

    private static void update(Connection db, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }
}
