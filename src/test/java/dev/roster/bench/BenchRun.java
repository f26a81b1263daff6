package dev.roster.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What every scenario does around its own part: read the command line, start Roster as a child process (one home
 * per scenario and dataset size), stop it at the end, print and write the report. In between, the scenario uses
 * the steps they all share: the dataset ({@link #dataset}), sign-ins ({@link #signIn}) and the load runs, each
 * endpoint next to the trivial one ({@link #load}). See bench/README.md.
 */
final class BenchRun {

    /** The ceiling every row is compared with: Roster's cheapest answer, no authentication, no database. */
    static final String TRIVIAL_PATH = "/ping";

    /** A scenario's own part, between Roster's start and stop. */
    interface Scenario {
        Results measure(BenchRun run) throws Exception;
    }

    /** What a scenario found: printed as a table and written to {@code bench/results/<name>.json}. */
    interface Results {
        void print(PrintStream out);

        void write(Path file) throws IOException;
    }

    /**
     * What a scenario asks for once its options are read: its name (of its results file and Roster's home) and
     * Roster's settings beyond those every benchmark server gets (environment variables, e.g.
     * {@code ROSTER_SYNC_ROLES_TTL}).
     */
    record Setup(String name, Map<String, String> serverSettings) {

        /**
         * The setup of a scenario that takes none of the upstream's options ({@code --upstream-delay},
         * {@code --upstream-errors}, {@code --upstream-down}, {@code --rate}, {@code --nodes}): refused if given,
         * rather than silently ignored.
         */
        static Setup plain(String name, BenchOptions options, Map<String, String> serverSettings) {
            if (options.degradesUpstream() || options.rate() > 0 || options.nodes() > 0) {
                throw new IllegalArgumentException(
                        "--upstream-delay, --upstream-errors, --upstream-down, --rate and --nodes are not options of "
                                + name);
            }
            return new Setup(name, serverSettings);
        }
    }

    /** A scenario that starts and stops its own servers: everything between reading the options and the report. */
    interface Standalone {
        Results run(BenchOptions options, Path root) throws Exception;
    }

    /** Makes the workload of one run: called before each run, so that it can start from the data as it is then. */
    interface WorkloadSource {
        Workload next() throws Exception;
    }

    /**
     * An endpoint to load: its label, the {@code uri} tag of its server timer, what to send, and over how many
     * connections (0: the run's {@code --connections}).
     */
    record Endpoint(String label, String uriTag, WorkloadSource workload, int connections) {

        Endpoint(String label, String uriTag, WorkloadSource workload) {
            this(label, uriTag, workload, 0);
        }

        /** An endpoint whose workload is the same in every run. */
        Endpoint(String label, String uriTag, Workload workload) {
            this(label, uriTag, () -> workload, 0);
        }

        /** The same endpoint over {@code connections} connections, labelled so. */
        Endpoint over(int connections) {
            return new Endpoint(label + " @" + connections + " conn", uriTag, workload, connections);
        }
    }

    /**
     * What a scenario adds to the dataset of {@code me} (e.g. grants), before the directory is made to mirror it;
     * {@code regenerated} when that dataset was just generated again (which wipes what the addition wrote).
     */
    interface Addition {
        void ensure(Dataset dataset, boolean regenerated) throws Exception;
    }

    private final String scenario;
    private final BenchOptions options;
    private final Path jar;
    private final Map<String, String> serverSettings;
    /** Replaced by {@link #restart}. */
    private RosterServer server;

    private final SignIns signIns;
    private final JavaLoad javaLoad;
    private final @Nullable Wrk wrk;
    private final Path home;
    /** Generators for endpoints loaded over their own number of connections. */
    private final Map<Integer, LoadGenerator> byConnections = new HashMap<>();
    /** Endpoints that wrk was asked for but cannot drive, so the Java load generator did. */
    private final Set<String> loadedByJava = new LinkedHashSet<>();

    private BenchRun(Setup setup, BenchOptions options, Path jar, RosterServer server, Path home) {
        this.scenario = setup.name();
        this.options = options;
        this.jar = jar;
        this.serverSettings = setup.serverSettings();
        this.server = server;
        this.signIns = new SignIns(server.baseUrl());
        this.home = home;
        this.javaLoad = new JavaLoad(server.baseUrl(), options.connections());
        this.wrk = options.tool() == BenchOptions.Tool.WRK
                ? new Wrk(server.baseUrl(), home.resolve("wrk"), options.connections())
                : null;
    }

    /**
     * The whole run of scenario {@code name}: exits the JVM with 0 on success, 1 on failure or Ctrl-C and 2 on a bad
     * command line. Results go to {@code bench/results/<name>.json}.
     */
    static void execute(String name, String[] args, Scenario scenario) {
        execute(args, options -> new Setup(name, Map.of()), scenario);
    }

    /**
     * As {@link #execute(String, String[], Scenario)}, the name and Roster's settings chosen by {@code setup} from the
     * options; {@code setup} refuses options the scenario does not take with an {@link IllegalArgumentException}.
     */
    static void execute(String[] args, Function<BenchOptions, Setup> setup, Scenario scenario) {
        Function<BenchOptions, Setup> checked = options -> {
            options.checkSample();
            return setup.apply(options);
        };
        executeStandalone(args, checked, (options, root) -> run(setup.apply(options), options, root, scenario));
    }

    /**
     * The whole run of a scenario that starts its own servers; exits as {@link #execute(String, String[], Scenario)}.
     * {@code check} refuses options the scenario does not take, like {@code setup} there; results go to
     * {@code bench/results/<name>.json} of its setup.
     */
    static void executeStandalone(String[] args, Function<BenchOptions, Setup> check, Standalone scenario) {
        BenchOptions options;
        Setup setup;
        try {
            options = BenchOptions.parse(args, Wrk.installed());
            setup = check.apply(options);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        var shuttingDown = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shuttingDown.set(true)));
        try {
            Path root = Path.of("").toAbsolutePath();
            Results results = scenario.run(options, root);
            results.print(System.out);
            Path file = root.resolve("bench/results/" + setup.name() + ".json");
            results.write(file);
            System.out.printf("%nwritten to %s%n", root.relativize(file));
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

    private static Results run(Setup setup, BenchOptions options, Path root, Scenario scenario) throws Exception {
        Path jar = jar(root);
        Path home = root.resolve("bench/work").resolve(options.workDirName(setup.name()));
        int port = RosterServer.freePort(options.port());

        step("starting Roster on port %d (home %s)", port, root.relativize(home));
        Results results;
        var run = new BenchRun(setup, options, jar, RosterServer.start(jar, home, port, setup.serverSettings()), home);
        try {
            results = scenario.measure(run);
            step("stopping Roster");
        } finally {
            run.server.close(); // the one running now (see restart)
        }
        step("server log: %s", root.relativize(home.resolve("server.log")));
        return results;
    }

    /** {@code target/roster.jar}, which must have been built. */
    static Path jar(Path root) {
        Path jar = root.resolve("target/roster.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run ./roster build");
        }
        return jar;
    }

    /** The Roster this run starts: {@code target/roster.jar}. */
    Path jar() {
        return jar;
    }

    BenchOptions options() {
        return options;
    }

    String baseUrl() {
        return server.baseUrl();
    }

    RosterServer server() {
        return server;
    }

    Path home() {
        return home;
    }

    SignIns signIns() {
        return signIns;
    }

    /**
     * The dataset of {@code size}, generated unless Roster's home already holds it, with Roster in step with its
     * upstream: the demo directory says about every user what Roster holds, and every user was synced just now (see
     * {@link Dataset#mirrorIntoDirectory}), so that neither the sweep nor a refresh asks the directory unless the
     * scenario sets a short roles TTL.
     */
    Dataset dataset(Dataset.Size size) throws Exception {
        return dataset(size, (dataset, regenerated) -> {});
    }

    /** As {@link #dataset(Dataset.Size)}, with the scenario's {@code addition} made before the directory mirrors it. */
    Dataset dataset(Dataset.Size size, Addition addition) throws Exception {
        var dataset = new Dataset(server.postgresPort(), baseUrl() + "/demo"); // the demo provider's issuer
        step("dataset: %,d users, %,d tenants, %,d memberships", size.users(), size.tenants(), size.memberships());
        if (size.largeTenantMembers() > 0) {
            step("         and a tenant of %,d members", size.largeTenantMembers());
        }
        long started = System.nanoTime();
        boolean generated = dataset.ensure(size);
        step("dataset %s in %.1f s", generated ? "generated" : "reused", secondsSince(started));
        addition.ensure(dataset, generated);
        started = System.nanoTime();
        int written = dataset.mirrorIntoDirectory();
        step(
                "the directory says what Roster holds about every user (%,d rows written), all synced now, in %.1f s",
                written, secondsSince(started));
        return dataset;
    }

    /**
     * Stops Roster and starts it again on the same home and port, with {@code settings} on top of the scenario's
     * (e.g. its caches off). Tokens stay valid (the signing keys are in the database) until they expire.
     */
    void restart(Map<String, String> settings) throws IOException, InterruptedException {
        step("restarting Roster with %s", settings);
        server.close();
        var all = new HashMap<>(serverSettings);
        all.putAll(settings);
        int port = URI.create(server.baseUrl()).getPort();
        server = RosterServer.start(jar, home, port, all);
    }

    /** Signs in every email (see {@link SignIns}); the tokens in the same order. */
    List<SignIns.Tokens> signIn(List<String> emails) throws Exception {
        long started = System.nanoTime();
        List<SignIns.Tokens> tokens = signIns.signInAll(emails);
        step("signed in %,d users in %.1f s", tokens.size(), secondsSince(started));
        return tokens;
    }

    /**
     * Loads the trivial endpoint, then each of {@code endpoints}, and returns a row for each, the trivial one first:
     * a warm-up pass over all of them (so that the first one measured does not meet a JIT that has barely compiled
     * the request path), then for each a warm-up and the measured run, with the server's own timer read around it.
     */
    List<Report.Row> load(List<Endpoint> endpoints) throws Exception {
        var all = new ArrayList<Endpoint>();
        all.add(new Endpoint(
                "GET " + TRIVIAL_PATH + " (trivial)",
                TRIVIAL_PATH,
                new Workload.Gets(List.of(new Workload.Get(TRIVIAL_PATH, null)))));
        all.addAll(endpoints);
        return measure(all, 0);
    }

    /**
     * As {@link #load}, without loading the trivial endpoint again: the ratios are to {@code trivial}, a row of an
     * earlier {@link #load} of this run (e.g. before a {@link #restart}).
     */
    List<Report.Row> loadBeside(Report.Row trivial, List<Endpoint> endpoints) throws Exception {
        return measure(endpoints, trivial.rps());
    }

    /** The warm-up pass and the measured runs; {@code trivialRps} 0: the first endpoint is the trivial one. */
    private List<Report.Row> measure(List<Endpoint> all, double trivialRps) throws Exception {
        step("warming the server up: %d s on each endpoint", seconds(options.warmup()));
        for (Endpoint endpoint : all) {
            send(endpoint, options.warmup());
        }
        var timings = new ServerTimings(server.managementUrl());
        var rows = new ArrayList<Report.Row>();
        for (Endpoint endpoint : all) {
            step(
                    "%s: %d s warm-up, %d s measured",
                    endpoint.label(), seconds(options.warmup()), seconds(options.duration()));
            send(endpoint, options.warmup());
            Workload workload = endpoint.workload().next();
            ServerTimings.Scrape before = timings.scrape();
            LoadResult result = generatorFor(endpoint, workload).run(workload, options.duration());
            ServerTimings.Scrape after = timings.scrape();
            double serverP99 = ServerTimings.percentileMs(after.since(before, endpoint.uriTag()), 99);
            if (trivialRps == 0) {
                trivialRps = result.requestsPerSecond();
            }
            rows.add(Report.Row.of(endpoint.label(), result, serverP99, trivialRps));
        }
        return rows;
    }

    /** The report of this run, with what the scenario measured and the server's memory now. */
    Report report(
            Dataset.Size size,
            int signedIn,
            List<Report.Row> rows,
            Map<String, Integer> tokenPayloadBytes,
            List<Report.Target> targets)
            throws Exception {
        double residentMib = residentMibAfterLoad();
        return new Report(
                scenario,
                Report.now(),
                options.quick(),
                toolDescription(),
                seconds(options.duration()),
                size,
                signedIn,
                rows,
                residentMib,
                tokenPayloadBytes,
                targets);
    }

    /** The server's resident memory now, in MiB (one decimal), with the breakdown written beside its log. */
    double residentMibAfterLoad() throws IOException, InterruptedException {
        step("server memory after the load: %s", server.writeMemoryReport());
        return Math.round(server.residentMib() * 10) / 10.0;
    }

    /** The tool(s) that drove the load, for the report. */
    String toolDescription() {
        if (wrk == null) {
            return javaLoad.description();
        }
        if (loadedByJava.isEmpty()) {
            return wrk.description();
        }
        return wrk.description() + "; " + javaLoad.description() + " for " + String.join(", ", loadedByJava);
    }

    static void step(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[bench] " + format + "%n", args);
    }

    static double secondsSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private void send(Endpoint endpoint, Duration duration) throws Exception {
        Workload workload = endpoint.workload().next();
        generatorFor(endpoint, workload).run(workload, duration);
    }

    /** wrk when asked for and able to; the Java load generator otherwise. */
    private LoadGenerator generatorFor(Endpoint endpoint, Workload workload) {
        if (endpoint.connections() > 0 && endpoint.connections() != options.connections()) {
            boolean byWrk = wrk != null && Wrk.supports(workload);
            return byConnections.computeIfAbsent(
                    endpoint.connections() * (byWrk ? 1 : -1),
                    key -> byWrk
                            ? new Wrk(baseUrl(), home.resolve("wrk"), endpoint.connections())
                            : new JavaLoad(baseUrl(), endpoint.connections()));
        }
        if (wrk == null) {
            return javaLoad;
        }
        if (Wrk.supports(workload)) {
            return wrk;
        }
        loadedByJava.add(endpoint.label());
        return javaLoad;
    }

    private static int seconds(Duration duration) {
        return (int) duration.toSeconds();
    }
}
