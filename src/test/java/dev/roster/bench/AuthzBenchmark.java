package dev.roster.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code authz} scenario ({@code ./roster bench authz}): how fast Roster answers "may this user do this, here?"
 * ({@code POST /v1/authz/check} and {@code …/check:batch}), allowed and denied, from its caches and with its caches
 * off, next to the trivial endpoint of the same run and to the same checks answered by one SQL query each, without
 * Roster. See bench/README.md.
 *
 * <p>Steps ({@link BenchRun} does the shared ones): start Roster, generate the dataset of {@code me} and the grants
 * on top of it ({@link GrantDataset}) unless its home holds them, sample users (a quarter in the tenants of 12,000
 * grants) and build their checks, sign them in, compare a few of Roster's answers with those the checks were built
 * for, load the trivial endpoint and the checks with warm caches, then the SQL query over JDBC; restart Roster with
 * its caches off ({@link #CACHES_OFF}), sign in again unless the tokens are still good,
 * compare again, load the checks again;
 * report, with the targets of issue 8.
 */
public final class AuthzBenchmark {

    /**
     * Roster's two check caches at size 0, meant to make every check a miss. Caffeine evicts an entry only after
     * storing it, in its maintenance: a lookup in between still hits, which the report's cache counts show.
     */
    static final Map<String, String> CACHES_OFF =
            Map.of("ROSTER_AUTHZ_CACHE_MAX_USERS", "0", "ROSTER_AUTHZ_CACHE_MAX_GRANTS", "0");

    private static final String CHECK_URI = "/v1/authz/check";
    private static final String BATCH_URI = "/v1/authz/check:batch";
    private static final int BATCH = 100;

    private static final String CHECK = "POST " + CHECK_URI;
    private static final String SQL = "single SQL query (no cache)";

    /** Allowed (and as many denied) single checks per sampled user. */
    private static final int SINGLE_CHECKS = 4;
    /** Every this many sampled users, one also sends batches. */
    private static final int BATCH_SENDER_EVERY = 10;
    /** Users whose answers are compared with what their checks were built for, before each phase's load. */
    private static final int COMPARED_USERS = 100;

    private static final double CHECK_P99_MS = 1;
    private static final double CHECK_RATIO = 0.5;
    private static final double BATCH_P99_MS = 5;

    private static final String USERS_CACHE = "authz_users";
    private static final String TENANTS_CACHE = "authz_tenants";

    /**
     * How long an access token is surely valid: Roster's default TTL (15 minutes) less a margin. The tokens of the
     * warm phase serve the cold one too when it ends before then (Roster keeps its signing keys in the database).
     */
    private static final Duration TOKENS_LAST = Duration.ofMinutes(14);

    private static final long SEED = 20_261_206L;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final BenchRun run;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private AuthzBenchmark(BenchRun run) {
        this.run = run;
    }

    public static void main(String[] args) {
        BenchRun.execute(
                args,
                options -> BenchRun.Setup.plain("authz", options, Map.of()),
                run -> new AuthzBenchmark(run).measure());
    }

    private AuthzReport measure() throws Exception {
        BenchOptions options = run.options();
        var size = new Dataset.Size(options.users(), options.tenants(), options.memberships());
        GrantDataset.Size grantSize = GrantDataset.Size.of(size);
        BenchRun.Addition grants = (dataset, regenerated) -> ensureGrants(dataset, grantSize, regenerated);
        Dataset dataset = run.dataset(size, grants);
        var grantData = new GrantDataset(dataset);

        List<GrantDataset.Checks> checks = checks(grantData, options.sample());
        List<String> emails = checks.stream().map(c -> c.checker().email()).toList();
        long signedIn = System.nanoTime();
        List<SignIns.Tokens> tokens = run.signIn(emails);
        writeExplain(grantData, checks);

        // Warm: Roster's caches as configured by default.
        compareAnswers(checks, tokens);
        var metrics = new ServerTimings(run.server().managementUrl());
        Map<String, CacheUse> before = cacheUse(metrics);
        var rows = new ArrayList<>(run.load(endpoints(checks, tokens, "")));
        Map<String, CacheUse> warm = CacheUse.since(before, cacheUse(metrics));
        double residentMib = run.residentMibAfterLoad();
        Report.Row trivial = rows.getFirst();
        String sqlTool;
        try (var sql = new SqlLoad(dataset.jdbcUrl(), options.connections())) {
            sqlTool = sql.description();
            rows.add(measureSql(sql, checks, trivial));
        }

        // Cold: every check misses both caches.
        run.restart(CACHES_OFF);
        Duration coldPhase =
                options.warmup().multipliedBy(2).plus(options.duration()).multipliedBy(3);
        if (Duration.ofNanos(System.nanoTime() - signedIn).plus(coldPhase).compareTo(TOKENS_LAST) > 0) {
            run.dataset(size, grants); // reused; every user synced now, so that signing in syncs nobody
            tokens = run.signIn(emails);
        } else {
            BenchRun.step("the access tokens stay valid until the end: no new sign-ins");
        }
        compareAnswers(checks, tokens);
        metrics = new ServerTimings(run.server().managementUrl());
        var cacheGets = new LinkedHashMap<String, Map<String, CacheUse>>();
        cacheGets.put("warm", warm);
        // One row at a time, so that the caches' counts are each row's (its warm-ups included).
        for (BenchRun.Endpoint endpoint : endpoints(checks, tokens, "cold")) {
            before = cacheUse(metrics);
            rows.addAll(run.loadBeside(trivial, List.of(endpoint)));
            cacheGets.put(endpoint.label(), CacheUse.since(before, cacheUse(metrics)));
        }

        var report = new Report(
                "authz",
                Report.now(),
                options.quick(),
                run.toolDescription() + "; " + sqlTool + " for " + SQL,
                (int) options.duration().toSeconds(),
                size,
                tokens.size(),
                List.copyOf(rows),
                residentMib,
                Map.of(),
                targets(rows));
        return new AuthzReport(report, grantSize, cacheGets);
    }

    private static void ensureGrants(Dataset dataset, GrantDataset.Size size, boolean regenerated) throws Exception {
        BenchRun.step(
                "grants: %,d (%d tenants of %,d members and %,d grants; %d per global role in the others, %,d members'"
                        + " own)",
                size.grants(),
                size.largeTenants(),
                size.largeTenantMembers(),
                size.largeTenantGrants(),
                size.roleGrants(),
                size.userGrants());
        long started = System.nanoTime();
        boolean generated = new GrantDataset(dataset).ensure(size, regenerated);
        BenchRun.step("grants %s in %.1f s", generated ? "generated" : "reused", BenchRun.secondsSince(started));
    }

    /** The sampled users' checks: every tenth user has enough for a batch, the others {@value #SINGLE_CHECKS}. */
    private static List<GrantDataset.Checks> checks(GrantDataset grants, int sample) throws Exception {
        long started = System.nanoTime();
        List<GrantDataset.Checker> checkers = grants.sample(sample);
        var perChecker = new ArrayList<Integer>();
        for (int i = 0; i < checkers.size(); i++) {
            perChecker.add(i % BATCH_SENDER_EVERY == 0 ? BATCH / 2 : SINGLE_CHECKS);
        }
        List<GrantDataset.Checks> checks = grants.checks(checkers, perChecker, new Random(SEED));
        BenchRun.step(
                "%,d users sampled (%,d in a large tenant), %,d allowed and %,d denied checks built in %.1f s",
                checks.size(),
                checkers.stream().filter(GrantDataset.Checker::largeTenant).count(),
                checks.stream().mapToInt(c -> c.allowed().size()).sum(),
                checks.stream().mapToInt(c -> c.denied().size()).sum(),
                BenchRun.secondsSince(started));
        return checks;
    }

    /** The plan of the single query for an allowed check in a large tenant, beside the server's log. */
    private void writeExplain(GrantDataset grants, List<GrantDataset.Checks> checks) throws Exception {
        GrantDataset.Check check = checks.stream()
                .filter(c -> c.checker().largeTenant())
                .findFirst()
                .orElse(checks.getFirst())
                .allowed()
                .getFirst();
        Path file = run.home().resolve("sql-explain.txt");
        Files.writeString(file, check + "\n\n" + grants.explain(check));
        BenchRun.step("plan of the single SQL query: %s", file);
    }

    /** The three measured endpoints; {@code phase} (e.g. {@code cold}) is added to their labels. */
    private static List<BenchRun.Endpoint> endpoints(
            List<GrantDataset.Checks> checks, List<SignIns.Tokens> tokens, String phase) {
        var allowed = new ArrayList<Workload.Post>();
        var denied = new ArrayList<Workload.Post>();
        // Round by round, so that consecutive requests come from different users and tenants.
        for (int round = 0; round < SINGLE_CHECKS; round++) {
            for (int i = 0; i < checks.size(); i++) {
                String token = tokens.get(i).accessToken();
                GrantDataset.Checks own = checks.get(i);
                if (round < own.allowed().size()) {
                    allowed.add(new Workload.Post(
                            CHECK_URI, token, own.allowed().get(round).json()));
                }
                if (round < own.denied().size()) {
                    denied.add(new Workload.Post(
                            CHECK_URI, token, own.denied().get(round).json()));
                }
            }
        }
        var batches = new ArrayList<Workload.Post>();
        for (int i = 0; i < checks.size(); i += BATCH_SENDER_EVERY) {
            batches.add(new Workload.Post(BATCH_URI, tokens.get(i).accessToken(), batchBody(checks.get(i))));
        }
        return List.of(
                new BenchRun.Endpoint(label(CHECK, phase), CHECK_URI, new Workload.Posts(allowed)),
                new BenchRun.Endpoint(label(CHECK, join("denied", phase)), CHECK_URI, new Workload.Posts(denied)),
                new BenchRun.Endpoint(
                        label("POST " + BATCH_URI, join(Integer.toString(BATCH), phase)),
                        BATCH_URI,
                        new Workload.Posts(batches)));
    }

    /** {@value #BATCH} checks of one user, allowed and denied in turn (repeating their own when too few). */
    private static String batchBody(GrantDataset.Checks checks) {
        var items = new ArrayList<String>();
        for (GrantDataset.Check check : batch(checks)) {
            items.add(check.json());
        }
        return "{\"checks\":[" + String.join(",", items) + "]}";
    }

    private static List<GrantDataset.Check> batch(GrantDataset.Checks checks) {
        var batch = new ArrayList<GrantDataset.Check>();
        List<GrantDataset.Check> denied = checks.denied().isEmpty() ? checks.allowed() : checks.denied();
        for (int k = 0; batch.size() < BATCH; k++) {
            batch.add(checks.allowed().get(k % checks.allowed().size()));
            batch.add(denied.get(k % denied.size()));
        }
        return batch;
    }

    private static String label(String endpoint, String qualifier) {
        return qualifier.isEmpty() ? endpoint : endpoint + " (" + qualifier + ")";
    }

    private static String join(String first, String second) {
        return second.isEmpty() ? first : first + ", " + second;
    }

    /**
     * Roster's answers to the first allowed and denied check of {@value #COMPARED_USERS} users, and to one batch,
     * against what the checks were built for (and the single query decided): a difference stops the run here, with
     * the check and the answer, rather than measuring the wrong thing.
     */
    private void compareAnswers(List<GrantDataset.Checks> checks, List<SignIns.Tokens> tokens) throws Exception {
        int step = Math.max(1, checks.size() / COMPARED_USERS);
        int compared = 0;
        for (int i = 0; i < checks.size(); i += step) {
            String token = tokens.get(i).accessToken();
            GrantDataset.Checks own = checks.get(i);
            expect(
                    own.allowed().getFirst(),
                    true,
                    answer(CHECK_URI, token, own.allowed().getFirst().json()));
            compared++;
            if (!own.denied().isEmpty()) {
                expect(
                        own.denied().getFirst(),
                        false,
                        answer(CHECK_URI, token, own.denied().getFirst().json()));
                compared++;
            }
        }
        GrantDataset.Checks batchSender = checks.getFirst();
        JsonNode results = answer(BATCH_URI, tokens.getFirst().accessToken(), batchBody(batchSender))
                .path("results");
        List<GrantDataset.Check> batch = batch(batchSender);
        if (results.size() != batch.size()) {
            throw new IllegalStateException("a batch of " + batch.size() + " checks answered " + results.size());
        }
        for (int k = 0; k < batch.size(); k++) {
            expect(batch.get(k), batchSender.allowed().contains(batch.get(k)), results.get(k));
        }
        BenchRun.step("Roster answered %d checks and a batch of %d as expected", compared, batch.size());
    }

    private JsonNode answer(String path, String token, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(run.baseUrl() + path))
                        .timeout(TIMEOUT)
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static void expect(GrantDataset.Check check, boolean allowed, JsonNode answer) {
        if (answer.path("allowed").asBoolean() != allowed) {
            throw new IllegalStateException("Roster answered " + answer + " to " + check
                    + ", which the single SQL query " + (allowed ? "allows" : "denies"));
        }
    }

    /** The allowed single checks over JDBC, one query each: a warm-up, then the measured run. */
    private Report.Row measureSql(SqlLoad sql, List<GrantDataset.Checks> checks, Report.Row trivial)
            throws InterruptedException {
        var allowed = new ArrayList<GrantDataset.Check>();
        for (int round = 0; round < SINGLE_CHECKS; round++) {
            for (GrantDataset.Checks own : checks) {
                if (round < own.allowed().size()) {
                    allowed.add(own.allowed().get(round));
                }
            }
        }
        Duration warmup = run.options().warmup();
        Duration duration = run.options().duration();
        BenchRun.step(
                "%s: %d s warm-up, %d s measured (%s)",
                SQL, warmup.toSeconds(), duration.toSeconds(), sql.description());
        sql.run(allowed, warmup);
        LoadResult result = sql.run(allowed, duration);
        return Report.Row.of(SQL, result, Double.NaN, trivial.rps());
    }

    private static List<Report.Target> targets(List<Report.Row> rows) {
        Map<String, Report.Row> byEndpoint =
                rows.stream().collect(Collectors.toMap(Report.Row::endpoint, Function.identity()));
        Report.Row check = byEndpoint.get(CHECK);
        return List.of(
                Report.Target.serverP99AtMost(check, CHECK_P99_MS),
                Report.Target.ratioToTrivialAtLeast(check, CHECK_RATIO),
                Report.Target.serverP99AtMost(byEndpoint.get("POST " + BATCH_URI + " (" + BATCH + ")"), BATCH_P99_MS));
    }

    /** The lookups of both check caches now, by cache. */
    private static Map<String, CacheUse> cacheUse(ServerTimings metrics) throws IOException, InterruptedException {
        var use = new LinkedHashMap<String, CacheUse>();
        for (String cache : List.of(USERS_CACHE, TENANTS_CACHE)) {
            Map<String, Double> gets = metrics.counter("cache_gets_total", "result", Map.of("cache", cache));
            use.put(
                    cache,
                    new CacheUse(
                            Math.round(gets.getOrDefault("hit", 0.0)), Math.round(gets.getOrDefault("miss", 0.0))));
        }
        return use;
    }

    /** Lookups of one cache that found their entry, and those that read the database. */
    record CacheUse(long hits, long misses) {

        static Map<String, CacheUse> since(Map<String, CacheUse> before, Map<String, CacheUse> after) {
            var delta = new LinkedHashMap<String, CacheUse>();
            after.forEach((cache, use) -> {
                CacheUse earlier = before.getOrDefault(cache, new CacheUse(0, 0));
                delta.put(cache, new CacheUse(use.hits() - earlier.hits(), use.misses() - earlier.misses()));
            });
            return delta;
        }

        double hitRatio() {
            return hits + misses == 0 ? Double.NaN : (double) hits / (hits + misses);
        }
    }
}
