package dev.roster.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The benchmark's users, tenants and memberships, written by set-based SQL straight into Roster's database. A marker
 * table ({@code bench.dataset}) records what was generated, so a run reuses a dataset of the size it asks for and
 * regenerates anything else. Generation is one transaction: an interrupted run leaves no half dataset.
 *
 * <p>Users are {@code user<i>@bench.example} with the demo provider's issuer as {@code provider} and their email as
 * {@code external_id}: exactly who the demo identity provider, in open-directory mode, signs in for that email.
 * Ids are {@code md5(...)::uuid} of the index, so the SQL needs no lookups to connect rows. Names, divisions and
 * departments are picked by index from fixed lists, so that searches and filters select a known share of users.
 */
final class Dataset {

    /** Bump whenever the generated data changes: a dataset written by an older generator is then regenerated. */
    private static final int GENERATOR = 2;

    static final String ONE_MEMBERSHIP_EMAIL = "one-membership@bench.example";
    static final String MANY_MEMBERSHIPS_EMAIL = "many-memberships@bench.example";
    static final int MANY_MEMBERSHIPS = 1_000;

    /** Holds {@code super_admin} in the root tenant: a platform admin, for the admin API. */
    static final String PLATFORM_ADMIN_EMAIL = "platform-admin@bench.example";

    /** The tenant of {@link Size#largeTenantMembers()} members: users 1, 2, ... each as developer or viewer. */
    static final String LARGE_TENANT_SLUG = "bench-large";

    static final int DIVISIONS = 20;
    static final int DEPARTMENTS = 200;

    // User i is FIRST_NAMES[i % 41] LAST_NAMES[(i / 41) % 61] in department i % 200 (see INSERT_USERS): 41 shares no
    // factor with 200, so every department holds every first name (a filtered search finds something). No name's
    // first three letters occur in "user<i>@bench.example" (see searchTerms()): each matches 1.6 to 6.4 % of users.
    private static final List<String> FIRST_NAMES = words("""
            Ada Alan Amara Boris Carla Chen Dmitri Elena Farah Gustav Hana Ivan Jonas Kofi Lena Marta Nikhil
            Olga Pablo Quinn Rosa Sofia Tomas Uma Viktor Wanda Xavier Yara Zeno Ingrid Jamal Keiko Luca Mei Noor
            Oscar Priya Rafael Selin Tariq Vera
            """);
    private static final List<String> LAST_NAMES = words("""
            Abe Baptiste Costa Dubois Eriksen Fischer Garcia Haddad Ito Jensen Kowalski Larsen Moreau Nakamura
            Okafor Petrov Quispe Rossi Silva Tanaka Ueda Varga Weber Xiong Yilmaz Zhang Andersen Brown Castillo
            Dlamini Evans Ferreira Gonzalez Horvat Ibrahim Jovanovic Kim Lopez Mensah Novak Oliveira Park Rahman
            Santos Tran Usman Vasquez Wong Yamamoto Zulu Ahmed Becker Chowdhury Diaz Edwards Fofana Gupta Hoang
            Ivanova Kaya Lindqvist
            """);

    private static final String MARKER = """
            CREATE SCHEMA IF NOT EXISTS bench;
            CREATE TABLE IF NOT EXISTS bench.dataset (
                users                integer     NOT NULL,
                tenants              integer     NOT NULL,
                memberships          integer     NOT NULL,
                large_tenant_members integer     NOT NULL DEFAULT 0,
                provider             text        NOT NULL,
                generator            integer     NOT NULL DEFAULT 1,
                generated_at         timestamptz NOT NULL DEFAULT now()
            );
            -- A marker of generator 1 has neither column: it gets generator 1, which no longer matches.
            ALTER TABLE bench.dataset ADD COLUMN IF NOT EXISTS large_tenant_members integer NOT NULL DEFAULT 0,
                                      ADD COLUMN IF NOT EXISTS generator integer NOT NULL DEFAULT 1;
            """;

    private static final String READ_MARKER =
            "SELECT users, tenants, memberships, large_tenant_members, provider, generator FROM bench.dataset";

    // CASCADE: whatever else refers to users (tables of later migrations included) goes with them.
    private static final String WIPE = """
            TRUNCATE bench.dataset, audit_log, refresh_tokens, sessions, memberships, users CASCADE;
            DELETE FROM tenants WHERE slug LIKE 'bench-%';
            """;

    private static final String INSERT_TENANTS = """
            INSERT INTO tenants (id, slug, name)
            SELECT md5('bench-tenant-' || i)::uuid, 'bench-' || i, 'Bench tenant ' || i
            FROM generate_series(1, ?) i
            """;

    /**
     * User i: first name i mod the first names, last name (i / first names) mod the last names, department
     * {@code d = i % departments} (department-001 is d = 0), in division {@code d % divisions} (division-01 is 0).
     * Parameters: first names, last names, departments, divisions, provider, number of users.
     */
    private static final String INSERT_USERS = """
            INSERT INTO users (id, provider, external_id, email, username, first_name, last_name, display_name,
                               division, department, last_synced_at)
            SELECT md5('bench-user-' || i)::uuid, p.provider, 'user' || i || '@bench.example',
                   'user' || i || '@bench.example', 'user' || i, n.first_name, n.last_name,
                   n.first_name || ' ' || n.last_name,
                   'division-' || lpad((i % p.departments % p.divisions + 1)::text, 2, '0'),
                   'department-' || lpad((i % p.departments + 1)::text, 3, '0'),
                   now()
            FROM (SELECT ?::text[] AS first_names, ?::text[] AS last_names, ?::int AS departments,
                         ?::int AS divisions, ?::text AS provider) p
            CROSS JOIN generate_series(1, ?) i
            CROSS JOIN LATERAL (
                SELECT p.first_names[1 + i % cardinality(p.first_names)] AS first_name,
                       p.last_names[1 + (i / cardinality(p.first_names)) % cardinality(p.last_names)] AS last_name
            ) n
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

    private static final String INSERT_LARGE_TENANT = """
            INSERT INTO tenants (id, slug, name)
            VALUES (md5('bench-large-tenant')::uuid, 'bench-large', 'Bench large tenant')
            """;

    // Parameter: number of members (users 1..n), alternately developer and viewer.
    private static final String INSERT_LARGE_TENANT_MEMBERSHIPS = """
            INSERT INTO memberships (user_id, tenant_id, role_id)
            SELECT md5('bench-user-' || i)::uuid, md5('bench-large-tenant')::uuid,
                   (SELECT id FROM roles
                    WHERE tenant_id IS NULL AND slug = CASE WHEN i % 2 = 0 THEN 'developer' ELSE 'viewer' END)
            FROM generate_series(1, ?) i
            """;

    // Parameter: the admin's email. super_admin in the root tenant makes a platform admin; 'local': not the upstream's.
    private static final String INSERT_PLATFORM_ADMIN_MEMBERSHIP = """
            INSERT INTO memberships (user_id, tenant_id, role_id, source)
            VALUES (md5(?)::uuid, '00000000-0000-0000-0000-000000000000',
                    (SELECT id FROM roles WHERE tenant_id IS NULL AND slug = 'super_admin'), 'local')
            """;

    private static final String WRITE_MARKER = """
            INSERT INTO bench.dataset (users, tenants, memberships, large_tenant_members, provider, generator)
            VALUES (?, ?, ?, ?, ?, ?)
            """;

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

    // The upstream names tenants by its own ids: the generated tenants get theirs (their slug), as if the upstream had
    // created them, so that a pull keys them as the upstream names them (docs/sync.md, "Reconciliation").
    private static final String NAME_TENANTS_UPSTREAM =
            "UPDATE tenants SET external_id = slug WHERE slug LIKE 'bench-%' AND external_id IS NULL";

    // The directory simulator vouches for every address; so does Roster, for the users it mirrors. Parameter: provider.
    private static final String VERIFY_EMAILS =
            "UPDATE users SET email_verified = true WHERE provider = ? AND NOT email_verified";

    // The extra users are the open directory's (see MIRROR_INTO_DIRECTORY), also when an earlier version mirrored them.
    private static final String UNMIRROR_EXTRA_USERS = """
            DELETE FROM demo_directory_users WHERE email LIKE '%@bench.example' AND email NOT LIKE 'user%@bench.example'
            """;

    // In step as of now: not stale for the sweep (12 h), nor for a refresh (15 min) unless the TTL is set shorter.
    // Parameter: provider.
    private static final String MARK_SYNCED =
            "UPDATE users SET last_roles_sync_at = now(), sync_claimed_until = NULL WHERE provider = ?";

    /**
     * The directory simulator's table (migration V020) as the upstream of this dataset: each generated user with the
     * profile and the upstream memberships Roster holds (local ones are Roster's own). A pull then finds nothing to
     * change, as in a deployment in step with its directory. Rows that are already so are not written. The three
     * extra users stay out: the open directory signs them in, and answers pulls of them, saying nothing about their
     * roles (a directory's ID token of 1,000 roles would be larger than Roster takes in a form). Parameter: provider.
     */
    private static final String MIRROR_INTO_DIRECTORY = """
            WITH held AS (
                SELECT m.user_id,
                       jsonb_agg(jsonb_build_object('role', r.slug,
                                                    'on', jsonb_build_object('tenant', t.external_id, 'name', t.name))
                                 ORDER BY t.external_id) AS roles
                FROM memberships m
                JOIN tenants t ON t.id = m.tenant_id
                JOIN roles r ON r.id = m.role_id
                WHERE m.source = 'upstream' AND t.external_id IS NOT NULL
                GROUP BY m.user_id
            )
            INSERT INTO demo_directory_users AS d (id, email, username, first_name, middle_name, last_name,
                                                   display_name, image, position_title, division, department,
                                                   section, custom_team, hierarchy_level, reports_to, is_active,
                                                   is_leader, roles)
            SELECT u.external_id, lower(u.email), u.username, u.first_name, u.middle_name, u.last_name,
                   u.display_name, u.image, u.position_title, u.division, u.department, u.section, u.custom_team,
                   u.hierarchy_level, u.reports_to_external_id, u.is_active, u.is_leader,
                   coalesce(held.roles, '[]'::jsonb)
            FROM users u
            LEFT JOIN held ON held.user_id = u.id
            WHERE u.provider = ? AND u.email LIKE 'user%@bench.example'
            ON CONFLICT (id) DO UPDATE SET
                email = EXCLUDED.email, username = EXCLUDED.username, first_name = EXCLUDED.first_name,
                middle_name = EXCLUDED.middle_name, last_name = EXCLUDED.last_name,
                display_name = EXCLUDED.display_name, image = EXCLUDED.image,
                position_title = EXCLUDED.position_title, division = EXCLUDED.division,
                department = EXCLUDED.department, section = EXCLUDED.section, custom_team = EXCLUDED.custom_team,
                hierarchy_level = EXCLUDED.hierarchy_level, reports_to = EXCLUDED.reports_to,
                is_active = EXCLUDED.is_active, is_leader = EXCLUDED.is_leader, roles = EXCLUDED.roles,
                updated_at = now()
            WHERE (d.email, d.username, d.first_name, d.middle_name, d.last_name, d.display_name, d.image,
                   d.position_title, d.division, d.department, d.section, d.custom_team, d.hierarchy_level,
                   d.reports_to, d.is_active, d.is_leader, d.roles)
                  IS DISTINCT FROM
                  (EXCLUDED.email, EXCLUDED.username, EXCLUDED.first_name, EXCLUDED.middle_name,
                   EXCLUDED.last_name, EXCLUDED.display_name, EXCLUDED.image, EXCLUDED.position_title,
                   EXCLUDED.division, EXCLUDED.department, EXCLUDED.section, EXCLUDED.custom_team,
                   EXCLUDED.hierarchy_level, EXCLUDED.reports_to, EXCLUDED.is_active, EXCLUDED.is_leader,
                   EXCLUDED.roles)
            """;

    private static final String LARGE_TENANT_ID = "SELECT id FROM tenants WHERE slug = ?";

    // Parameters: tenant id, count.
    private static final String SAMPLE_MEMBERS = """
            SELECT u.id, u.email
            FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.tenant_id = ?
            ORDER BY random() LIMIT ?
            """;

    // Parameter: tenant id.
    private static final String ROLES_IN_TENANT = """
            SELECT m.user_id, r.slug
            FROM memberships m JOIN roles r ON r.id = m.role_id
            WHERE m.tenant_id = ?
            ORDER BY m.user_id
            """;

    /**
     * What to generate: {@code memberships} spread evenly over {@code users} and {@code tenants}, plus a tenant of
     * {@code largeTenantMembers} (none when 0).
     */
    record Size(
            int users,
            int tenants,
            int memberships,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) int largeTenantMembers) {

        /** Without the large tenant. */
        Size(int users, int tenants, int memberships) {
            this(users, tenants, memberships, 0);
        }
    }

    /** A generated user to sign in, with one tenant they are a member of. */
    record SampledUser(String email, UUID tenantId) {}

    /** A member of a tenant, to sign in. */
    record Member(UUID id, String email) {}

    private final String jdbcUrl;
    private final String provider;

    /** The dataset in the PostgreSQL on {@code postgresPort}, its users signing in at {@code provider} (an issuer). */
    Dataset(int postgresPort, String provider) {
        this.jdbcUrl = "jdbc:postgresql://127.0.0.1:" + postgresPort + "/postgres";
        this.provider = provider;
    }

    /** The JDBC URL of the dataset's database (user {@code postgres}, no password: the embedded one). */
    String jdbcUrl() {
        return jdbcUrl;
    }

    /** Makes the database hold exactly {@code size} for the provider; true when it had to generate it. */
    boolean ensure(Size size) throws SQLException {
        try (Connection db = connect()) {
            execute(db, MARKER);
            Marker marker = readMarker(db);
            if (marker != null
                    && marker.generator() == GENERATOR
                    && marker.size().equals(size)) {
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

    /**
     * Makes the demo upstream's directory say about every user of the dataset what Roster holds (see
     * {@link #MIRROR_INTO_DIRECTORY}), and marks them all synced now, in one transaction: a sync of any of them then
     * changes nothing, and none is due before the roles TTL. Answers how many directory rows it wrote (none when
     * they were already so).
     */
    int mirrorIntoDirectory() throws SQLException {
        try (Connection db = connect()) {
            int[] written = new int[1];
            inTransaction(db, () -> {
                update(db, NAME_TENANTS_UPSTREAM);
                update(db, VERIFY_EMAILS, provider);
                update(db, UNMIRROR_EXTRA_USERS);
                written[0] = update(db, MIRROR_INTO_DIRECTORY, provider);
                update(db, MARK_SYNCED, provider);
            });
            execute(db, "VACUUM ANALYZE demo_directory_users, users"); // the directory's search index, the updates
            return written[0];
        }
    }

    /** The id of the tenant of {@link Size#largeTenantMembers()} members. */
    UUID largeTenantId() throws SQLException {
        try (Connection db = connect();
                PreparedStatement query = db.prepareStatement(LARGE_TENANT_ID)) {
            query.setString(1, LARGE_TENANT_SLUG);
            try (var rows = query.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("the dataset has no tenant " + LARGE_TENANT_SLUG);
                }
                return rows.getObject("id", UUID.class);
            }
        }
    }

    /** {@code count} random members of {@code tenantId}. */
    List<Member> sampleMembers(UUID tenantId, int count) throws SQLException {
        try (Connection db = connect();
                PreparedStatement query = db.prepareStatement(SAMPLE_MEMBERS)) {
            query.setObject(1, tenantId);
            query.setInt(2, count);
            var members = new ArrayList<Member>(count);
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    members.add(new Member(rows.getObject("id", UUID.class), rows.getString("email")));
                }
            }
            return members;
        }
    }

    /** The role (slug) of each member of {@code tenantId} as it is now, by user id, in user id order. */
    Map<UUID, String> rolesIn(UUID tenantId) throws SQLException {
        try (Connection db = connect();
                PreparedStatement query = db.prepareStatement(ROLES_IN_TENANT)) {
            query.setObject(1, tenantId);
            var roles = new LinkedHashMap<UUID, String>();
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    roles.put(rows.getObject("user_id", UUID.class), rows.getString("slug"));
                }
            }
            return roles;
        }
    }

    /**
     * Three-letter strings that users are searched by: the first three letters of each first and last name, in
     * lower case. Each matches a few percent of the users (more where it also occurs inside other names).
     */
    static List<String> searchTerms() {
        var terms = new LinkedHashSet<String>();
        for (String name : FIRST_NAMES) {
            terms.add(name.substring(0, 3).toLowerCase(Locale.ROOT));
        }
        for (String name : LAST_NAMES) {
            terms.add(name.substring(0, 3).toLowerCase(Locale.ROOT));
        }
        terms.removeIf("user@bench.example"::contains); // would match everyone
        return List.copyOf(terms);
    }

    /** The department with index {@code index} (0 to {@value #DEPARTMENTS} - 1), as the users hold it. */
    static String department(int index) {
        return String.format(Locale.ROOT, "department-%03d", index + 1);
    }

    private record Marker(Size size, String provider, int generator) {}

    private static Marker readMarker(Connection db) throws SQLException {
        try (Statement query = db.createStatement();
                var rows = query.executeQuery(READ_MARKER)) {
            if (!rows.next()) {
                return null;
            }
            return new Marker(
                    new Size(
                            rows.getInt("users"),
                            rows.getInt("tenants"),
                            rows.getInt("memberships"),
                            rows.getInt("large_tenant_members")),
                    rows.getString("provider"),
                    rows.getInt("generator"));
        }
    }

    private static void generate(Connection db, Size size, String provider) throws SQLException {
        int base = size.memberships() / size.users();
        int extra = size.memberships() % size.users();
        int stride = size.tenants() / (extra > 0 ? base + 1 : base);
        inTransaction(db, () -> {
            execute(db, WIPE);
            update(db, INSERT_TENANTS, size.tenants());
            update(
                    db,
                    INSERT_USERS,
                    FIRST_NAMES.toArray(String[]::new),
                    LAST_NAMES.toArray(String[]::new),
                    DEPARTMENTS,
                    DIVISIONS,
                    provider,
                    size.users());
            update(db, INSERT_MEMBERSHIPS, size.tenants(), base, extra, size.users(), stride, size.tenants());
            insertUserWithFirstTenants(db, provider, ONE_MEMBERSHIP_EMAIL, 1);
            insertUserWithFirstTenants(
                    db, provider, MANY_MEMBERSHIPS_EMAIL, Math.min(MANY_MEMBERSHIPS, size.tenants()));
            insertUser(db, provider, PLATFORM_ADMIN_EMAIL);
            update(db, INSERT_PLATFORM_ADMIN_MEMBERSHIP, PLATFORM_ADMIN_EMAIL);
            if (size.largeTenantMembers() > 0) {
                update(db, INSERT_LARGE_TENANT);
                update(db, INSERT_LARGE_TENANT_MEMBERSHIPS, size.largeTenantMembers());
            }
            update(
                    db,
                    WRITE_MARKER,
                    size.users(),
                    size.tenants(),
                    size.memberships(),
                    size.largeTenantMembers(),
                    provider,
                    GENERATOR);
        });
        execute(db, "ANALYZE tenants, users, memberships");
    }

    private static void insertUserWithFirstTenants(Connection db, String provider, String email, int tenants)
            throws SQLException {
        insertUser(db, provider, email);
        update(db, INSERT_MEMBERSHIPS_OF_ONE, email, tenants);
    }

    private static List<String> words(String text) {
        return List.of(text.strip().split("\\s+"));
    }

    private static void insertUser(Connection db, String provider, String email) throws SQLException {
        update(db, INSERT_USER, email, provider, email, email, email);
    }

    private static void changeProvider(Connection db, String from, String to) throws SQLException {
        inTransaction(db, () -> {
            update(db, CHANGE_PROVIDER, to, from);
            update(db, CHANGE_MARKER_PROVIDER, to);
        });
    }

    interface SqlWork {
        void run() throws SQLException;
    }

    static void inTransaction(Connection db, SqlWork work) throws SQLException {
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

    /** A new connection to the dataset's database, as its owner. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, "postgres", "");
    }

    static void execute(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Runs {@code sql} with {@code parameters} ({@code String[]}: a {@code text[]}); answers the rows changed. */
    static int update(Connection db, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                if (parameters[i] instanceof String[] texts) {
                    statement.setArray(i + 1, db.createArrayOf("text", texts));
                } else {
                    statement.setObject(i + 1, parameters[i]);
                }
            }
            return statement.executeUpdate();
        }
    }
}
