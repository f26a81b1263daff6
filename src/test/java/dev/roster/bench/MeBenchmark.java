package dev.roster.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code me} scenario ({@code ./roster bench me}): how fast Roster answers a signed-in user about themselves
 * ({@code GET /v1/me}, {@code GET /v1/me/role}) and refreshes their tokens, next to a trivial endpoint of the same
 * server as the ceiling, on a dataset of realistic size. See bench/README.md.
 *
 * <p>Steps ({@link BenchRun} does the shared ones): start Roster (child process), generate the dataset unless its
 * home already holds it, sign in a sample of users, measure the access token of a user with 1 and with 1,000
 * memberships, load each endpoint after a warm-up, reading the server's own latency histogram around each run, stop
 * Roster, report.
 *
 * <p>With {@code --upstream-delay N} and/or {@code --upstream-down} ({@code me-upstream}, its own home and results
 * file): the same rows once with a healthy upstream, then once per degraded one (the directory simulator's answers
 * delayed by N ms, or all {@code 503}), in one run, side by side. Roster runs with a roles TTL of
 * {@value #ROLES_TTL}, so that refreshes schedule background syncs that meet the degraded directory; the sweep is
 * off, so that only those ask it. As in every scenario, the directory says about every user what Roster holds (a sync
 * of a healthy upstream changes nothing); the sampled users are synced once before the load, which also proves the
 * sync path works end to end.
 */
public final class MeBenchmark {

    /** The roles TTL of the upstream comparison: a refresh a second after the last sync schedules the next one. */
    static final String ROLES_TTL = "1s";

    private static final String SYNC_COUNTER = "roster_role_sync_total";
    private static final String DROPPED_COUNTER = "roster_sync_refresh_dropped_total";

    private MeBenchmark() {}

    public static void main(String[] args) {
        BenchRun.execute(
                args,
                MeBenchmark::setup,
                run -> run.options().degradesUpstream() ? measureAgainstUpstream(run) : measure(run));
    }

    private static BenchRun.Setup setup(BenchOptions options) {
        if (options.rate() > 0 || options.nodes() > 0) {
            throw new IllegalArgumentException("--rate and --nodes are options of the sweep scenario");
        }
        if (!options.degradesUpstream()) {
            return new BenchRun.Setup("me", Map.of());
        }
        return new BenchRun.Setup(
                "me-upstream", Map.of("ROSTER_SYNC_ROLES_TTL", ROLES_TTL, "ROSTER_SYNC_SWEEP_ENABLED", "false"));
    }

    private static Report measure(BenchRun run) throws Exception {
        BenchOptions options = run.options();
        var size = new Dataset.Size(options.users(), options.tenants(), options.memberships());
        Dataset dataset = run.dataset(size);

        List<Dataset.SampledUser> sample = dataset.sample(options.sample());
        List<SignIns.Tokens> tokens =
                run.signIn(sample.stream().map(Dataset.SampledUser::email).toList());

        var tokenPayloadBytes = new LinkedHashMap<String, Integer>();
        tokenPayloadBytes.put(
                "1", run.signIns().signIn(Dataset.ONE_MEMBERSHIP_EMAIL).payloadBytes());
        tokenPayloadBytes.put(
                Integer.toString(Math.min(Dataset.MANY_MEMBERSHIPS, size.tenants())),
                run.signIns().signIn(Dataset.MANY_MEMBERSHIPS_EMAIL).payloadBytes());

        List<Report.Row> rows = run.load(endpoints(sample, tokens));
        return run.report(size, tokens.size(), rows, tokenPayloadBytes, List.of());
    }

    /**
     * The rows of {@link #measure} with a healthy upstream, then with each degraded one, the directory's faults set
     * at run time; the same signed-in users and refresh tokens throughout.
     */
    private static UpstreamReport measureAgainstUpstream(BenchRun run) throws Exception {
        BenchOptions options = run.options();
        var size = new Dataset.Size(options.users(), options.tenants(), options.memberships());
        var upstream = new Upstream(run.baseUrl());
        upstream.setFaults(Upstream.Faults.NONE); // before anything asks it
        Dataset dataset = run.dataset(size);

        List<Dataset.SampledUser> sample = dataset.sample(options.sample());
        List<String> emails = sample.stream().map(Dataset.SampledUser::email).toList();
        List<SignIns.Tokens> tokens = run.signIn(emails);
        var sync = new SyncApi(
                run.baseUrl(),
                run.signIns().signIn(Dataset.PLATFORM_ADMIN_EMAIL).accessToken());
        if (!sync.status().directoryConfigured()) {
            throw new IllegalStateException("Roster has no upstream directory to sync from (GET /v1/sync/status:"
                    + " directory_configured false): this Roster does not pull from its directory simulator");
        }
        long started = System.nanoTime();
        Map<String, Integer> priming = sync.forceSync(emails); // the sampled users' ids in the directory
        BenchRun.step("sampled users synced in %.1f s: %s", BenchRun.secondsSince(started), priming);
        if (priming.getOrDefault("changed", 0) + priming.getOrDefault("unchanged", 0) < emails.size()) {
            throw new IllegalStateException("not every sampled user could be synced from the healthy directory: "
                    + priming + "; see the server log");
        }

        List<BenchRun.Endpoint> endpoints = endpoints(sample, tokens);
        var phases = new ArrayList<Upstream.Faults>();
        phases.add(Upstream.Faults.NONE);
        if (options.upstreamDelayMs() > 0) {
            phases.add(new Upstream.Faults(options.upstreamDelayMs(), 0, false));
        }
        if (options.upstreamErrorPercent() > 0) {
            phases.add(new Upstream.Faults(0, options.upstreamErrorPercent() / 100.0, false));
        }
        if (options.upstreamDown()) {
            phases.add(new Upstream.Faults(0, 0, true));
        }
        var metrics = new ServerTimings(run.server().managementUrl());
        var measured = new ArrayList<UpstreamReport.Phase>();
        try {
            for (Upstream.Faults faults : phases) {
                BenchRun.step("upstream %s", faults.describe());
                upstream.setFaults(faults);
                upstream.resetRequests();
                Map<String, Double> syncsBefore =
                        metrics.counter(SYNC_COUNTER, "outcome", Map.of("trigger", "refresh"));
                double droppedBefore = metrics.total(DROPPED_COUNTER);
                List<Report.Row> rows = run.load(endpoints);
                Upstream.Requests requests = upstream.requests();
                Map<String, Long> syncs = ServerTimings.delta(
                        syncsBefore, metrics.counter(SYNC_COUNTER, "outcome", Map.of("trigger", "refresh")));
                long dropped = Math.round(metrics.total(DROPPED_COUNTER) - droppedBefore);
                BenchRun.step(
                        "directory API: %,d fetches; refresh syncs %s, %,d dropped", requests.fetch(), syncs, dropped);
                measured.add(new UpstreamReport.Phase(faults.describe(), faults, rows, requests, syncs, dropped));
            }
        } finally {
            upstream.setFaults(Upstream.Faults.NONE);
        }
        return new UpstreamReport(
                "me-upstream",
                Report.now(),
                options.quick(),
                run.toolDescription(),
                (int) options.duration().toSeconds(),
                size,
                tokens.size(),
                ROLES_TTL,
                priming,
                List.copyOf(measured),
                UpstreamReport.compare(measured),
                run.residentMibAfterLoad());
    }

    /** The three measured endpoints, with the sampled users' tokens. */
    private static List<BenchRun.Endpoint> endpoints(List<Dataset.SampledUser> sample, List<SignIns.Tokens> tokens) {
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
                new BenchRun.Endpoint("GET /v1/me", "/v1/me", new Workload.Gets(me)),
                new BenchRun.Endpoint("GET /v1/me/role", "/v1/me/role", new Workload.Gets(role)),
                new BenchRun.Endpoint(
                        "POST /v1/auth/token (refresh)", "/v1/auth/token", new Workload.Refreshes(refreshTokens)));
    }
}
