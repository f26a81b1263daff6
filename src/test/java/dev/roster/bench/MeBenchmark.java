package dev.roster.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code me} scenario ({@code ./roster bench me}): how fast Roster answers a signed-in user about themselves
 * ({@code GET /v1/me}, {@code GET /v1/me/role}) and refreshes their tokens, next to a trivial endpoint of the same
 * server as the ceiling, on a dataset of realistic size. See bench/README.md.
 *
 * <p>Steps: start Roster (child process), generate the dataset unless its home already holds it, sign in a sample of
 * users, load each endpoint after a warm-up, read the server's own latency histogram around each run, measure the
 * access token of a user with 1 and with 1,000 memberships, stop Roster, report.
 */
public final class MeBenchmark {

    /** The ceiling: Roster's cheapest answer, no authentication, no database. */
    private static final String TRIVIAL_PATH = "/ping";

    /** An endpoint to load: its label, the {@code uri} tag of its server timer, and what to send. */
    private record Endpoint(String label, String uriTag, Workload workload) {}

    private final BenchOptions options;
    private final Path root = Path.of("").toAbsolutePath();

    private MeBenchmark(BenchOptions options) {
        this.options = options;
    }

    public static void main(String[] args) {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args, Wrk.installed());
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        var shuttingDown = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shuttingDown.set(true)));
        try {
            new MeBenchmark(options).run();
        } catch (Exception e) {
            if (shuttingDown.get()) { // Ctrl-C: Roster is being stopped under our feet
                System.err.println("bench: interrupted");
            } else {
                System.err.println("bench: failed: " + e);
                e.printStackTrace();
            }
            System.exit(1);
        }
        System.exit(0);
    }

    private void run() throws Exception {
        Path jar = root.resolve("target/roster.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run ./roster build");
        }
        Path home = root.resolve("bench/work").resolve(options.workDirName());
        int port = RosterServer.freePort(options.port());

        step("starting Roster on port %d (home %s)", port, root.relativize(home));
        Report report;
        try (RosterServer server = RosterServer.start(jar, home, port)) {
            report = measure(server, home);
            step("stopping Roster");
        }
        report.print(System.out);
        Path results = root.resolve("bench/results/me.json");
        report.write(results);
        System.out.printf(
                "%nwritten to %s; server log: %s%n",
                root.relativize(results), root.relativize(home.resolve("server.log")));
    }

    /** Everything between start and stop: dataset, sign-ins, token sizes, the load runs, memory. */
    private Report measure(RosterServer server, Path home) throws Exception {
        String baseUrl = server.baseUrl();
        var size = new Dataset.Size(options.users(), options.tenants(), options.memberships());
        var dataset = new Dataset(server.postgresPort());
        step("dataset: %,d users, %,d tenants, %,d memberships", size.users(), size.tenants(), size.memberships());
        long started = System.nanoTime();
        String provider = baseUrl + "/demo"; // the demo identity provider's issuer
        boolean generated = dataset.ensure(size, provider);
        step("dataset %s in %.1f s", generated ? "generated" : "reused", secondsSince(started));

        List<Dataset.SampledUser> sample = dataset.sample(options.sample(), provider);
        var signIns = new SignIns(baseUrl);
        started = System.nanoTime();
        List<SignIns.Tokens> tokens = signIns.signInAll(
                sample.stream().map(Dataset.SampledUser::email).toList());
        step("signed in %,d users in %.1f s", tokens.size(), secondsSince(started));

        var tokenPayloadBytes = new LinkedHashMap<String, Integer>();
        tokenPayloadBytes.put("1", signIns.signIn(Dataset.ONE_MEMBERSHIP_EMAIL).payloadBytes());
        tokenPayloadBytes.put(
                Integer.toString(Math.min(Dataset.MANY_MEMBERSHIPS, size.tenants())),
                signIns.signIn(Dataset.MANY_MEMBERSHIPS_EMAIL).payloadBytes());

        LoadGenerator load = options.tool() == BenchOptions.Tool.WRK
                ? new Wrk(baseUrl, home.resolve("wrk"), options.connections())
                : new JavaLoad(baseUrl, options.connections());
        var timings = new ServerTimings(baseUrl);
        List<Endpoint> endpoints = endpoints(sample, tokens);
        // The first endpoint would otherwise meet a JIT that has barely compiled the request path.
        step("warming the server up: %d s on each endpoint", seconds(options.warmup()));
        for (Endpoint endpoint : endpoints) {
            load.run(endpoint.workload(), options.warmup());
        }
        var rows = new ArrayList<Report.Row>();
        double trivialRps = 0;
        for (Endpoint endpoint : endpoints) {
            step(
                    "%s: %d s warm-up, %d s measured",
                    endpoint.label(), seconds(options.warmup()), seconds(options.duration()));
            load.run(endpoint.workload(), options.warmup());
            ServerTimings.Scrape before = timings.scrape();
            LoadResult result = load.run(endpoint.workload(), options.duration());
            ServerTimings.Scrape after = timings.scrape();
            double serverP99 = ServerTimings.percentileMs(after.since(before, endpoint.uriTag()), 99);
            if (rows.isEmpty()) {
                trivialRps = result.requestsPerSecond();
            }
            rows.add(Report.Row.of(endpoint.label(), result, serverP99, trivialRps));
        }
        return new Report(
                "me",
                Report.now(),
                options.quick(),
                load.description(),
                seconds(options.duration()),
                size,
                tokens.size(),
                rows,
                Math.round(server.residentMib() * 10) / 10.0,
                tokenPayloadBytes);
    }

    /** The trivial endpoint, then the three measured ones, with the sampled users' tokens. */
    private static List<Endpoint> endpoints(List<Dataset.SampledUser> sample, List<SignIns.Tokens> tokens) {
        var me = new ArrayList<Workload.Get>();
        var role = new ArrayList<Workload.Get>();
        for (int i = 0; i < sample.size(); i++) {
            String accessToken = tokens.get(i).accessToken();
            me.add(new Workload.Get("/v1/me", accessToken));
            role.add(new Workload.Get("/v1/me/role?tenant_id=" + sample.get(i).tenantId(), accessToken));
        }
        var refreshTokens = new Workload.RefreshTokens(
                tokens.stream().map(SignIns.Tokens::refreshToken).toList());
        return List.of(
                new Endpoint(
                        "GET " + TRIVIAL_PATH + " (trivial)",
                        TRIVIAL_PATH,
                        new Workload.Gets(List.of(new Workload.Get(TRIVIAL_PATH, null)))),
                new Endpoint("GET /v1/me", "/v1/me", new Workload.Gets(me)),
                new Endpoint("GET /v1/me/role", "/v1/me/role", new Workload.Gets(role)),
                new Endpoint("POST /v1/auth/token (refresh)", "/v1/auth/token", new Workload.Refreshes(refreshTokens)));
    }

    private static void step(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[bench] " + format + "%n", args);
    }

    private static double secondsSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static int seconds(Duration duration) {
        return (int) duration.toSeconds();
    }
}
