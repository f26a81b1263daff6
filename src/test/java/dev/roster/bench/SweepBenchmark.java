package dev.roster.bench;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The {@code sweep} scenario ({@code ./roster bench sweep}): how long the cluster-once sweep takes to sync N users
 * Roster has never synced, at a rate budget of R requests a second, and how many requests the upstream sees, with one
 * node and with two nodes sharing one database. The budget is the cluster's, so two nodes should take as long as one,
 * and the upstream should see N fetches, not 2N. See bench/README.md.
 *
 * <p>Steps, for each node count: start Roster (the first node with its embedded PostgreSQL; the second on the same
 * database, as a cluster: the same public URL, key-encryption key and directory key), make the directory simulator
 * know users {@code user1..N@bench.example}, replace Roster's users with N stale ones (by SQL, with the sweep held
 * back), reset every node's upstream counters, release the sweep, poll the database until no user is stale (or the
 * time is up: 2 N / R + 60 s), then read what the upstream received on every node and what the sweep reported.
 */
public final class SweepBenchmark {

    static final int DEFAULT_RATE = 500;

    /** How often the nodes look whether a sweep is due: the wait between the release and the sweep's start. */
    static final String CHECK_EVERY = "PT2S";

    /** Longer than any sweep here: one run syncs every user. */
    private static final String INTERVAL = "1h";

    /** A platform admin in dev mode (ROSTER_BOOTSTRAP_ADMINS' default), to read {@code GET /v1/sync/status}. */
    private static final String ADMIN_EMAIL = "admin@example.com";

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration PROGRESS = Duration.ofSeconds(10);
    private static final Duration FINISH_TIMEOUT = Duration.ofSeconds(30);

    private SweepBenchmark() {}

    public static void main(String[] args) {
        BenchRun.executeStandalone(args, SweepBenchmark::check, SweepBenchmark::run);
    }

    private static BenchRun.Setup check(BenchOptions options) {
        if (options.degradesUpstream()) {
            throw new IllegalArgumentException(
                    "--upstream-delay, --upstream-errors and --upstream-down are options of the me scenario");
        }
        return new BenchRun.Setup("sweep", Map.of());
    }

    private static SweepReport run(BenchOptions options, Path root) throws Exception {
        int rate = options.rate() > 0 ? options.rate() : DEFAULT_RATE;
        List<Integer> nodeCounts = options.nodes() > 0 ? List.of(options.nodes()) : List.of(1, 2);
        var runs = new ArrayList<SweepReport.Run>();
        for (int nodes : nodeCounts) {
            runs.add(sweep(root, options, rate, nodes));
        }
        return new SweepReport("sweep", Report.now(), options.quick(), options.users(), rate, CHECK_EVERY, runs);
    }

    /** One sweep of {@code options.users()} stale users by a cluster of {@code nodeCount} nodes. */
    private static SweepReport.Run sweep(Path root, BenchOptions options, int rate, int nodeCount) throws Exception {
        int users = options.users();
        Path jar = BenchRun.jar(root);
        Path home = root.resolve("bench/work/sweep-" + users + "u");
        var settings = new HashMap<String, String>();
        settings.put("ROSTER_SYNC_BUDGET_RATE", Integer.toString(rate));
        settings.put("ROSTER_SYNC_SWEEP_CHECK_EVERY", CHECK_EVERY);
        settings.put("ROSTER_SYNC_SWEEP_INTERVAL", INTERVAL);
        settings.put("ROSTER_DEMO_DIRECTORY_API_KEY", randomKey()); // every node's connector may call any simulator
        int port = RosterServer.freePort(options.port());
        BenchRun.step("%d node(s): starting Roster on port %d (home %s)", nodeCount, port, root.relativize(home));
        try (RosterServer first = RosterServer.start(jar, home, port, settings)) {
            String provider = first.baseUrl() + "/demo"; // the demo provider's issuer: what sign-in stores
            var upstream = new Upstream(first.baseUrl());
            long started = System.nanoTime();
            int created = upstream.generate(users, StaleUsers.PREFIX, StaleUsers.DOMAIN, 1);
            BenchRun.step(
                    "directory: users 1..%,d (%,d new) in %.1f s", users, created, BenchRun.secondsSince(started));
            var data = new StaleUsers(first.postgresPort(), provider);
            started = System.nanoTime();
            data.replaceAndHold(users);
            BenchRun.step(
                    "Roster: %,d stale users in %.1f s, the sweep held back", users, BenchRun.secondsSince(started));
            var sync = new SyncApi(
                    first.baseUrl(),
                    new SignIns(first.baseUrl()).signIn(ADMIN_EMAIL).accessToken());
            SyncApi.Status status = sync.status();
            if (!status.directoryConfigured()) {
                throw new IllegalStateException("Roster has no upstream directory to sweep (GET /v1/sync/status:"
                        + " directory_configured false): this Roster does not pull from its directory simulator");
            }
            if (!status.provider().equals(provider)) {
                throw new IllegalStateException("Roster stores its users under provider " + status.provider() + ", not "
                        + provider + " as this benchmark assumed");
            }
            var nodes = new ArrayList<RosterServer>(List.of(first));
            try {
                if (nodeCount == 2) {
                    nodes.add(RosterServer.startBeside(jar, home, first, settings));
                }
                return measure(nodes, data, sync, users, rate);
            } finally {
                for (RosterServer node : nodes.subList(1, nodes.size())) {
                    node.close();
                }
                BenchRun.step("stopping Roster");
            }
        }
    }

    private static SweepReport.Run measure(List<RosterServer> nodes, StaleUsers data, SyncApi sync, int users, int rate)
            throws Exception {
        long stale = data.countStale();
        var sweepSyncsBefore = new ArrayList<Map<String, Double>>();
        for (RosterServer node : nodes) {
            new Upstream(node.baseUrl()).resetRequests();
            sweepSyncsBefore.add(new ServerTimings(node.managementUrl())
                    .counter("roster_role_sync_total", "outcome", Map.of("trigger", "sweep")));
        }
        double budgetSeconds = (double) users / rate;
        Duration limit = Duration.ofSeconds((long) Math.ceil(2 * budgetSeconds) + 60);
        BenchRun.step(
                "releasing the sweep of %,d stale users at %,d/s (N / rate = %.1f s; giving up after %d s)",
                stale, rate, budgetSeconds, limit.toSeconds());
        long released = System.nanoTime();
        OffsetDateTime releasedAt = data.releaseSweep();
        long lastProgress = released;
        String holder = null;
        Double untilNoneStale = null;
        while (true) {
            Thread.sleep(POLL);
            long now = System.nanoTime();
            stale = data.countStale();
            if (holder == null) {
                holder = data.sweepHolder();
            }
            if (stale == 0) {
                untilNoneStale = (now - released) / 1e9;
                BenchRun.step("no user stale after %.1f s", untilNoneStale);
                break;
            }
            if (now - released > limit.toNanos()) {
                BenchRun.step("giving up: %,d users still stale after %d s", stale, limit.toSeconds());
                break;
            }
            if (now - lastProgress >= PROGRESS.toNanos()) {
                lastProgress = now;
                double seconds = (now - released) / 1e9;
                BenchRun.step(
                        "%,d of %,d users stale after %.0f s (%.0f synced/s)%s",
                        stale,
                        users,
                        seconds,
                        (users - stale) / seconds,
                        holder == null ? ", no sweep started yet" : "");
            }
        }
        StaleUsers.SweepTimes times = awaitSweepEnd(data, releasedAt);

        var fetchesByNode = new ArrayList<Long>();
        var syncsByNode = new ArrayList<Long>();
        var outcomes = new TreeMap<String, Long>();
        for (int i = 0; i < nodes.size(); i++) {
            RosterServer node = nodes.get(i);
            fetchesByNode.add(new Upstream(node.baseUrl()).requests().fetch());
            Map<String, Long> synced = ServerTimings.delta(
                    sweepSyncsBefore.get(i),
                    new ServerTimings(node.managementUrl())
                            .counter("roster_role_sync_total", "outcome", Map.of("trigger", "sweep")));
            synced.forEach((outcome, count) -> outcomes.merge(outcome, count, Long::sum));
            syncsByNode.add(synced.values().stream().mapToLong(Long::longValue).sum());
        }
        long fetches = fetchesByNode.stream().mapToLong(Long::longValue).sum();
        Integer sweptBy = node(nodes, holder);
        SyncApi.Status status = sync.status();
        BenchRun.step(
                "upstream fetches %,d (received by node %s); sweep syncs %s (by node %s); last sweep %s",
                fetches, fetchesByNode, outcomes, syncsByNode, status.lastSweep());
        return SweepReport.Run.of(
                nodes.size(),
                users,
                rate,
                untilNoneStale,
                times,
                fetches,
                fetchesByNode,
                outcomes,
                syncsByNode,
                sweptBy,
                status.staleUsers(),
                status.lastSweep().path("result"));
    }

    /** Waits until the released sweep has finished (its last batch comes back empty); null if it did not in time. */
    private static StaleUsers.@Nullable SweepTimes awaitSweepEnd(StaleUsers data, OffsetDateTime releasedAt)
            throws Exception {
        long deadline = System.nanoTime() + FINISH_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            StaleUsers.SweepTimes times = data.sweepTimes(releasedAt);
            if (times != null) {
                return times;
            }
            Thread.sleep(POLL);
        }
        BenchRun.step("the sweep had not finished %d s later", FINISH_TIMEOUT.toSeconds());
        return null;
    }

    /** Which node (1, 2) a sweep holder {@code <pid>@<host>/<id>} is, by its process id; null if none. */
    private static @Nullable Integer node(List<RosterServer> nodes, @Nullable String holder) {
        if (holder == null) {
            return null;
        }
        String pid = holder.substring(0, Math.max(0, holder.indexOf('@')));
        for (int i = 0; i < nodes.size(); i++) {
            if (Long.toString(nodes.get(i).pid()).equals(pid)) {
                return i + 1;
            }
        }
        return null;
    }

    private static String randomKey() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
