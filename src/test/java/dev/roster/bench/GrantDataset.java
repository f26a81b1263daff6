package dev.roster.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The {@code authz} scenario's grants, on top of the dataset of {@code me} (see {@link Dataset}), and the checks its
 * sampled users ask about. Written by set-based SQL in one transaction and recorded in {@code bench.grants} with the
 * generator's version, so that a later run with the same sizes reuses them.
 *
 * <p>What it adds (bench/README.md, scenario {@code authz}): {@value #GRANTS_PER_TENANT} grants per tenant on
 * average; {@link Size#largeTenants()} tenants {@code bench-authz-large-<k>} of {@value #LARGE_TENANT_MEMBERS}
 * members each (users 1, 2, ... in turn, each with one of the five global roles) and 12,000 grants each; in every
 * other tenant up to {@value #ROLE_GRANTS} grants per global role; the rest are grants to single members
 * ({@code user:<id>}, {@code <resource>:*} on their own folder {@code <resource>/<id>/*}). Role grant j (0, 1, ...) of
 * a role in a tenant is on one of {@link #RESOURCES} with one of {@link #GRANT_ACTIONS} and the selector {@code *}
 * (a third of the first 40), {@code <resource>/<j>} or {@code <resource>/<j>/*}.
 *
 * <p>Checks are built from the grants: an allowed one from a grant of the user's principals (a resource its
 * selector matches), a denied one by missing every grant (another action or resource, or a name no selector
 * matches). {@link #CHECK}, the best single query for a check, decides which candidates are kept: the generator, that
 * query and Roster must all agree (the scenario compares Roster's answers before loading it).
 */
final class GrantDataset {

    /** Bump whenever the generated grants change: grants of an older generator are then regenerated. */
    private static final int GENERATOR = 1;

    static final int GRANTS_PER_TENANT = 100;
    /** One large tenant per this many tenants (at least one). */
    private static final int TENANTS_PER_LARGE_TENANT = 500;

    static final int LARGE_TENANT_MEMBERS = 1_000;
    /** Per global role in a large tenant: 5 x 2,200 + 1,000 members' own grants = 12,000 grants. */
    private static final int LARGE_TENANT_ROLE_GRANTS = 2_200;

    static final int ROLE_GRANTS = 10;
    private static final int GLOBAL_ROLES = 5;

    static final List<String> RESOURCES =
            List.of("docs", "reports", "projects", "tickets", "invoices", "assets", "pipelines", "secrets");
    /** The actions a check asks about. */
    static final List<String> ACTIONS = List.of("read", "write", "delete", "share");
    /** Those of grants: every action of a resource too. */
    private static final List<String> GRANT_ACTIONS = List.of("read", "write", "delete", "share", "*");

    static final String LARGE_TENANT_SLUG_PREFIX = "bench-authz-large-";

    /** Grants of a principal read to build one user's checks from, at most. */
    private static final int GRANTS_READ_PER_USER = 60;

    private static final String MARKER = """
            CREATE TABLE IF NOT EXISTS bench.grants (
                grants               integer     NOT NULL,
                large_tenants        integer     NOT NULL,
                large_tenant_members integer     NOT NULL,
                generator            integer     NOT NULL,
                generated_at         timestamptz NOT NULL DEFAULT now()
            )
            """;

    private static final String READ_MARKER = """
            SELECT grants, large_tenants, large_tenant_members, generator, (SELECT count(*) FROM grants) AS present
            FROM bench.grants
            """;

    // The large tenants' memberships go with them.
    private static final String WIPE = """
            TRUNCATE bench.grants, grants;
            DELETE FROM tenants WHERE slug LIKE 'bench-authz-large-%';
            """;

    // Parameter: number of large tenants.
    private static final String INSERT_LARGE_TENANTS = """
            INSERT INTO tenants (id, slug, name)
            SELECT md5('bench-authz-large-' || k)::uuid, 'bench-authz-large-' || k, 'Bench authz large tenant ' || k
            FROM generate_series(1, ?) k
            """;

    // Users (k - 1) m + 1 to k m in large tenant k, user i with global role i mod 5. Parameters: m, tenants, m.
    private static final String INSERT_LARGE_TENANT_MEMBERSHIPS = """
            WITH global_roles AS MATERIALIZED (
                SELECT array_agg(id ORDER BY priority) AS ids FROM roles
                WHERE tenant_id IS NULL
                  AND slug IN ('super_admin', 'tenant_admin', 'operator', 'developer', 'viewer')
            )
            INSERT INTO memberships (user_id, tenant_id, role_id)
            SELECT md5('bench-user-' || i)::uuid, md5('bench-authz-large-' || (1 + (i - 1) / ?))::uuid,
                   r.ids[1 + i % cardinality(r.ids)]
            FROM global_roles r CROSS JOIN generate_series(1, ? * ?) i
            """;

    /**
     * Grants 0 to n - 1 of each global role in tenants md5(seed || 1), md5(seed || 2), ...: see the class comment.
     * For j < 40 the (resource, action) pairs differ, and every other selector holds j: no two grants collide.
     * Parameters: resources, grant actions, tenant id seed, number of tenants, grants per role.
     */
    private static final String INSERT_ROLE_GRANTS = """
            WITH p AS (SELECT ?::text[] AS resources, ?::text[] AS actions, ?::text AS seed),
            global_roles AS MATERIALIZED (
                SELECT id, row_number() OVER (ORDER BY priority) AS r FROM roles
                WHERE tenant_id IS NULL
                  AND slug IN ('super_admin', 'tenant_admin', 'operator', 'developer', 'viewer')
            )
            INSERT INTO grants (id, tenant_id, principal_urn, permission, selector, created_by)
            SELECT gen_random_uuid(), md5(p.seed || t)::uuid, 'role:global:' || gr.id, v.resource || ':' || v.action,
                   CASE WHEN j < cardinality(p.resources) * cardinality(p.actions) AND j % 3 = 0 THEN '*'
                        WHEN j % 2 = 0 THEN v.resource || '/' || j
                        ELSE v.resource || '/' || j || '/*' END,
                   'system:bench'
            FROM p CROSS JOIN generate_series(1, ?) t CROSS JOIN global_roles gr CROSS JOIN generate_series(0, ? - 1) j
            CROSS JOIN LATERAL (
                SELECT p.resources[1 + (j + t + gr.r) % cardinality(p.resources)] AS resource,
                       p.actions[1 + j / cardinality(p.resources) % cardinality(p.actions)] AS action
            ) v
            """;

    /**
     * A member's own grant: every action on one resource, in their folder. All members of the large tenants, and
     * the first n memberships of the other generated tenants in a fixed pseudo-random order. Parameters: resources,
     * n.
     */
    private static final String INSERT_USER_GRANTS = """
            INSERT INTO grants (id, tenant_id, principal_urn, permission, selector, created_by)
            SELECT gen_random_uuid(), m.tenant_id, 'user:' || m.user_id, v.resource || ':*',
                   v.resource || '/' || m.user_id || '/*', 'system:bench'
            FROM (SELECT ?::text[] AS resources) p
            CROSS JOIN (
                (SELECT m.user_id, m.tenant_id FROM memberships m JOIN tenants t ON t.id = m.tenant_id
                 WHERE t.slug LIKE 'bench-authz-large-%')
                UNION ALL
                (SELECT m.user_id, m.tenant_id FROM memberships m JOIN tenants t ON t.id = m.tenant_id
                 WHERE t.slug ~ '^bench-[0-9]+$'
                 ORDER BY md5(m.user_id::text || m.tenant_id::text) LIMIT ?)
            ) m
            CROSS JOIN LATERAL (
                SELECT p.resources[1 + abs(hashtext(m.user_id::text)) % cardinality(p.resources)] AS resource
            ) v
            """;

    private static final String WRITE_MARKER = """
            INSERT INTO bench.grants (grants, large_tenants, large_tenant_members, generator)
            VALUES ((SELECT count(*) FROM grants), ?, ?, ?)
            """;

    // Parameter: count. Members of the large tenants, each with that tenant.
    private static final String SAMPLE_LARGE = """
            SELECT u.id, u.email, m.tenant_id
            FROM memberships m
            JOIN tenants t ON t.id = m.tenant_id
            JOIN users u ON u.id = m.user_id
            WHERE t.slug LIKE 'bench-authz-large-%'
            ORDER BY random() LIMIT ?
            """;

    // Parameter: count. Generated users in no large tenant, each with one random tenant of theirs.
    private static final String SAMPLE_OTHERS = """
            SELECT s.id, s.email, m.tenant_id
            FROM (SELECT u.id, u.email FROM users u
                  WHERE u.email LIKE 'user%@bench.example'
                    AND NOT EXISTS (SELECT 1 FROM memberships lm JOIN tenants lt ON lt.id = lm.tenant_id
                                    WHERE lm.user_id = u.id AND lt.slug LIKE 'bench-authz-large-%')
                  ORDER BY random() LIMIT ?) s
            CROSS JOIN LATERAL (SELECT tenant_id FROM memberships WHERE user_id = s.id ORDER BY random() LIMIT 1) m
            """;

    /** Up to n grants of each (user, tenant)'s principals there. Parameters: user ids, tenant ids, n. */
    private static final String PRINCIPALS_GRANTS = """
            SELECT c.ord, g.permission, g.selector
            FROM unnest(?::uuid[], ?::uuid[]) WITH ORDINALITY AS c (user_id, tenant_id, ord)
            JOIN memberships m ON m.user_id = c.user_id AND m.tenant_id = c.tenant_id
            JOIN roles r ON r.id = m.role_id
            CROSS JOIN LATERAL (
                SELECT g.permission, g.selector FROM grants g
                WHERE g.tenant_id = c.tenant_id
                  AND g.principal_urn IN ('user:' || c.user_id,
                                          CASE WHEN r.tenant_id IS NULL THEN 'role:global:' ELSE 'role:tenant:' END
                                          || r.id)
                ORDER BY random() LIMIT ?
            ) g
            """;

    /**
     * The grant that allows check {@code c} ({@code user_id, tenant_id, permission, resource}), chosen as Roster
     * chooses (docs/authorization.md, "Matching"), or no row: the user is active and a member of the live tenant,
     * one of their two principals holds the permission or {@code <resource>:*} there, and the selector matches. Four
     * ranges of the grants' unique index (tenant, principal, permission, selector) after primary-key probes of the
     * user, the membership, the role and the tenant. Platform admins (allowed everything) are left out: no sampled
     * user is one.
     */
    private static final String MATCHING_GRANT = """
            SELECT g.id
            FROM users u
            JOIN memberships m ON m.user_id = u.id AND m.tenant_id = c.tenant_id
            JOIN roles r ON r.id = m.role_id
            JOIN tenants t ON t.id = m.tenant_id AND t.deleted_at IS NULL
            JOIN grants g ON g.tenant_id = m.tenant_id
            WHERE u.id = c.user_id AND u.is_active
              AND g.principal_urn IN ('user:' || u.id,
                                      CASE WHEN r.tenant_id IS NULL THEN 'role:global:' ELSE 'role:tenant:' END || r.id)
              AND g.permission IN (c.permission, split_part(c.permission, ':', 1) || ':*')
              AND (g.selector = '*' OR g.selector = c.resource
                   OR (right(g.selector, 1) = '*' AND starts_with(c.resource, left(g.selector, -1))))
            ORDER BY g.principal_urn LIKE 'user:%' DESC, g.permission = c.permission DESC,
                     g.selector = c.resource DESC, length(g.selector) DESC
            LIMIT 1
            """;

    /**
     * One check in one round trip: the id of the grant that allows it, null when denied. Parameters: user id,
     * tenant id, permission, resource.
     */
    static final String CHECK = """
            SELECT h.id
            FROM (SELECT ?::uuid AS user_id, ?::uuid AS tenant_id, ?::text AS permission, ?::text AS resource) c
            LEFT JOIN LATERAL (
            """ + MATCHING_GRANT + """
            ) h ON true
            """;

    /** {@link #CHECK} for many checks at once. Parameters: user ids, tenant ids, permissions, resources. */
    private static final String CLASSIFY = """
            SELECT c.ord, h.id IS NOT NULL AS allowed
            FROM unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[])
                 WITH ORDINALITY AS c (user_id, tenant_id, permission, resource, ord)
            LEFT JOIN LATERAL (
            """ + MATCHING_GRANT + """
            ) h ON true
            """;

    /**
     * What to generate for a dataset of {@code me}'s size: {@code grants} in all (unless the memberships are too
     * few for the members' own grants), {@code largeTenants} of {@code largeTenantMembers} members and
     * {@code largeTenantGrants} grants each, {@code roleGrants} grants per global role in every other tenant (the
     * {@code tenants} of the dataset), and {@code userGrants} members' own grants outside the large tenants.
     */
    record Size(
            int grants,
            int tenants,
            int largeTenants,
            int largeTenantMembers,
            int largeTenantGrants,
            int roleGrants,
            int userGrants) {

        static Size of(Dataset.Size dataset) {
            int target = GRANTS_PER_TENANT * dataset.tenants();
            int large = Math.max(1, dataset.tenants() / TENANTS_PER_LARGE_TENANT);
            int members = Math.min(LARGE_TENANT_MEMBERS, dataset.users() / large);
            int largeGrants = GLOBAL_ROLES * LARGE_TENANT_ROLE_GRANTS + members;
            int others = Math.max(0, target - large * largeGrants);
            // About two thirds role grants, the rest members' own.
            int roleGrants = Math.clamp(others * 2L / 3 / (GLOBAL_ROLES * (long) dataset.tenants()), 1, ROLE_GRANTS);
            int userGrants =
                    Math.clamp(others - (long) GLOBAL_ROLES * roleGrants * dataset.tenants(), 0, dataset.memberships());
            int grants = large * largeGrants + GLOBAL_ROLES * roleGrants * dataset.tenants() + userGrants;
            return new Size(grants, dataset.tenants(), large, members, largeGrants, roleGrants, userGrants);
        }
    }

    /** A sampled user who asks about themselves in {@code tenantId}, where they are a member. */
    record Checker(UUID userId, String email, UUID tenantId, boolean largeTenant) {}

    /** One check, as the user asks it about themselves. */
    record Check(UUID userId, UUID tenantId, String permission, String resource) {

        /** The body of {@code POST /v1/authz/check}, or an item of a batch: no whitespace. */
        String json() {
            return "{\"tenant_id\":\"" + tenantId + "\",\"permission\":\"" + permission + "\",\"resource\":\""
                    + resource + "\"}";
        }
    }

    /** A checker's allowed and denied checks. */
    record Checks(Checker checker, List<Check> allowed, List<Check> denied) {}

    private record Grant(String permission, String selector) {}

    private final Dataset dataset;

    GrantDataset(Dataset dataset) {
        this.dataset = dataset;
    }

    /**
     * Makes the database hold the grants of {@code size}, generating them unless they are there (and
     * {@code regenerated} is false: the dataset under them was just written again); true when it generated them.
     */
    boolean ensure(Size size, boolean regenerated) throws SQLException {
        try (Connection db = dataset.connect()) {
            Dataset.execute(db, MARKER);
            if (!regenerated && matches(db, size)) {
                return false;
            }
            Dataset.inTransaction(db, () -> {
                Dataset.execute(db, WIPE);
                Dataset.update(db, INSERT_LARGE_TENANTS, size.largeTenants());
                Dataset.update(
                        db,
                        INSERT_LARGE_TENANT_MEMBERSHIPS,
                        size.largeTenantMembers(),
                        size.largeTenants(),
                        size.largeTenantMembers());
                insertRoleGrants(db, "bench-authz-large-", size.largeTenants(), LARGE_TENANT_ROLE_GRANTS);
                insertRoleGrants(db, "bench-tenant-", size.tenants(), size.roleGrants());
                Dataset.update(db, INSERT_USER_GRANTS, RESOURCES.toArray(String[]::new), size.userGrants());
                Dataset.update(db, WRITE_MARKER, size.largeTenants(), size.largeTenantMembers(), GENERATOR);
            });
            Dataset.execute(db, "VACUUM ANALYZE grants, memberships, tenants");
            if (!matches(db, size)) {
                throw new IllegalStateException("generated grants do not add up to " + size);
            }
            return true;
        }
    }

    private static void insertRoleGrants(Connection db, String tenantSeed, int tenants, int perRole)
            throws SQLException {
        Dataset.update(
                db,
                INSERT_ROLE_GRANTS,
                RESOURCES.toArray(String[]::new),
                GRANT_ACTIONS.toArray(String[]::new),
                tenantSeed,
                tenants,
                perRole);
    }

    private static boolean matches(Connection db, Size size) throws SQLException {
        try (Statement query = db.createStatement();
                var rows = query.executeQuery(READ_MARKER)) {
            return rows.next()
                    && rows.getInt("generator") == GENERATOR
                    && rows.getInt("grants") == size.grants()
                    && rows.getLong("present") == size.grants()
                    && rows.getInt("large_tenants") == size.largeTenants()
                    && rows.getInt("large_tenant_members") == size.largeTenantMembers();
        }
    }

    /** {@code count} random generated users: a quarter members of a large tenant, asking there. */
    List<Checker> sample(int count) throws SQLException {
        var checkers = new ArrayList<Checker>(count);
        try (Connection db = dataset.connect()) {
            int large = count / 4;
            sample(db, SAMPLE_LARGE, large, true, checkers);
            sample(db, SAMPLE_OTHERS, count - checkers.size(), false, checkers);
        }
        return checkers;
    }

    private static void sample(Connection db, String sql, int count, boolean large, List<Checker> into)
            throws SQLException {
        try (PreparedStatement query = db.prepareStatement(sql)) {
            query.setInt(1, count);
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    into.add(new Checker(
                            rows.getObject("id", UUID.class),
                            rows.getString("email"),
                            rows.getObject("tenant_id", UUID.class),
                            large));
                }
            }
        }
    }

    /**
     * For each checker, {@code perChecker.get(i)} allowed and as many denied checks (fewer denied when too few
     * candidates are), built from their grants with {@code random} and kept as {@link #CHECK} decides them.
     *
     * @throws IllegalStateException when {@link #CHECK} denies a check built to be allowed: the generator and the
     *     query disagree, so neither can be trusted
     */
    List<Checks> checks(List<Checker> checkers, List<Integer> perChecker, Random random) throws SQLException {
        try (Connection db = dataset.connect()) {
            List<List<Grant>> grants = grantsOf(db, checkers);
            var candidates = new ArrayList<Check>();
            var owners = new ArrayList<Integer>();
            var built = new ArrayList<Boolean>();
            for (int i = 0; i < checkers.size(); i++) {
                Checker checker = checkers.get(i);
                List<Grant> own = grants.get(i);
                if (own.isEmpty()) {
                    throw new IllegalStateException(
                            "user " + checker.email() + " holds no grant in tenant " + checker.tenantId());
                }
                int n = perChecker.get(i);
                for (int k = 0; k < n; k++) {
                    candidates.add(allowedBy(checker, own.get(k % own.size()), random));
                    owners.add(i);
                    built.add(true);
                }
                for (int k = 0; k < 2 * n; k++) { // about half are allowed after all: see deniedNear
                    candidates.add(k % 2 == 0 ? deniedAnywhere(checker, random) : deniedNear(checker, own, random));
                    owners.add(i);
                    built.add(false);
                }
            }
            boolean[] allowed = classify(db, candidates);
            var allowedBy = new ArrayList<List<Check>>();
            var deniedBy = new ArrayList<List<Check>>();
            for (int i = 0; i < checkers.size(); i++) {
                allowedBy.add(new ArrayList<>());
                deniedBy.add(new ArrayList<>());
            }
            for (int c = 0; c < candidates.size(); c++) {
                int owner = owners.get(c);
                if (built.get(c)) {
                    if (!allowed[c]) {
                        throw new IllegalStateException("the single-query check denies " + candidates.get(c)
                                + ", built from a grant of the user's: the generator and the query disagree");
                    }
                    allowedBy.get(owner).add(candidates.get(c));
                } else if (!allowed[c] && deniedBy.get(owner).size() < perChecker.get(owner)) {
                    deniedBy.get(owner).add(candidates.get(c));
                }
            }
            var checks = new ArrayList<Checks>(checkers.size());
            for (int i = 0; i < checkers.size(); i++) {
                checks.add(new Checks(checkers.get(i), List.copyOf(allowedBy.get(i)), List.copyOf(deniedBy.get(i))));
            }
            return checks;
        }
    }

    /** Up to {@value #GRANTS_READ_PER_USER} random grants of each checker's principals, in their tenant. */
    private static List<List<Grant>> grantsOf(Connection db, List<Checker> checkers) throws SQLException {
        var grants = new ArrayList<List<Grant>>(checkers.size());
        checkers.forEach(c -> grants.add(new ArrayList<>()));
        try (PreparedStatement query = db.prepareStatement(PRINCIPALS_GRANTS)) {
            query.setArray(
                    1,
                    db.createArrayOf(
                            "uuid", checkers.stream().map(Checker::userId).toArray()));
            query.setArray(
                    2,
                    db.createArrayOf(
                            "uuid", checkers.stream().map(Checker::tenantId).toArray()));
            query.setInt(3, GRANTS_READ_PER_USER);
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    grants.get(rows.getInt("ord") - 1)
                            .add(new Grant(rows.getString("permission"), rows.getString("selector")));
                }
            }
        }
        return grants;
    }

    /** Whether {@link #CHECK} allows each check, in one query. */
    private static boolean[] classify(Connection db, List<Check> checks) throws SQLException {
        var allowed = new boolean[checks.size()];
        try (PreparedStatement query = db.prepareStatement(CLASSIFY)) {
            query.setArray(
                    1,
                    db.createArrayOf("uuid", checks.stream().map(Check::userId).toArray()));
            query.setArray(
                    2,
                    db.createArrayOf(
                            "uuid", checks.stream().map(Check::tenantId).toArray()));
            query.setArray(
                    3,
                    db.createArrayOf(
                            "text", checks.stream().map(Check::permission).toArray()));
            query.setArray(
                    4,
                    db.createArrayOf(
                            "text", checks.stream().map(Check::resource).toArray()));
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    allowed[rows.getInt("ord") - 1] = rows.getBoolean("allowed");
                }
            }
        }
        return allowed;
    }

    /** A check {@code grant} allows: one of its actions, on a resource its selector matches. */
    private static Check allowedBy(Checker checker, Grant grant, Random random) {
        String resourceType = grant.permission().substring(0, grant.permission().indexOf(':'));
        String action = grant.permission().substring(resourceType.length() + 1);
        String permission =
                resourceType + ":" + (action.equals("*") ? ACTIONS.get(random.nextInt(ACTIONS.size())) : action);
        String selector = grant.selector();
        String resource;
        if (selector.equals("*")) {
            resource = resourceType + "/" + random.nextInt(100_000);
        } else if (selector.endsWith("*")) {
            resource = selector.substring(0, selector.length() - 1) + "r" + random.nextInt(100_000);
        } else {
            resource = selector;
        }
        return new Check(checker.userId(), checker.tenantId(), permission, resource);
    }

    /**
     * Any action on a resource named {@code <type>/x<n>}, which only a {@code *} selector matches: denied unless the
     * user holds that action, or every action, on that type everywhere.
     */
    private static Check deniedAnywhere(Checker checker, Random random) {
        String type = RESOURCES.get(random.nextInt(RESOURCES.size()));
        String permission = type + ":" + ACTIONS.get(random.nextInt(ACTIONS.size()));
        return new Check(checker.userId(), checker.tenantId(), permission, type + "/x" + random.nextInt(100_000));
    }

    /**
     * Next to one of the user's grants: its permission (an action of it), on a name just outside its selector
     * ({@code docs/12x…} for {@code docs/12} or {@code docs/12/*}); for a {@code *} selector, another action.
     */
    private static Check deniedNear(Checker checker, List<Grant> own, Random random) {
        Grant grant = own.get(random.nextInt(own.size()));
        Check allowed = allowedBy(checker, grant, random);
        String selector = grant.selector();
        if (selector.equals("*")) {
            String type = allowed.permission().substring(0, allowed.permission().indexOf(':'));
            String other = ACTIONS.get(random.nextInt(ACTIONS.size()));
            return new Check(checker.userId(), checker.tenantId(), type + ":" + other, allowed.resource());
        }
        String name = selector.endsWith("/*") ? selector.substring(0, selector.length() - 2) : selector;
        return new Check(
                checker.userId(), checker.tenantId(), allowed.permission(), name + "x" + random.nextInt(100_000));
    }

    /** {@code EXPLAIN (ANALYZE, BUFFERS)} of {@link #CHECK} for {@code check}, as PostgreSQL prints it. */
    String explain(Check check) throws SQLException {
        try (Connection db = dataset.connect();
                PreparedStatement query = db.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + CHECK)) {
            query.setObject(1, check.userId());
            query.setObject(2, check.tenantId());
            query.setString(3, check.permission());
            query.setString(4, check.resource());
            var plan = new StringBuilder();
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }
}
