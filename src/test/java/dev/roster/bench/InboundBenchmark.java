package dev.roster.bench;

import com.standardwebhooks.Webhook;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code inbound} scenario ({@code ./roster bench inbound}): how fast Roster takes events a directory pushes
 * (signed Standard Webhooks to {@code POST /v1/webhook-sources/{name}/events}: verified, recorded once, answered) and
 * how fast it applies them ({@code user.updated} of the dataset's users, each a real profile change, through the sync
 * operation), next to the trivial endpoint. See bench/README.md.
 *
 * <p>Steps: start Roster, the dataset of {@code me}, a webhook source created through the API; then 16 connections
 * send events as fast as Roster answers for the run's duration, each signed at send time with a fresh id; then every
 * accepted event is awaited until applied; then, as a SCIM client of one tenant, user creates and lookups by userName.
 */
public final class InboundBenchmark {

    private static final String SOURCE = "bench";
    private static final String ACCEPT = "POST /v1/webhook-sources/{name}/events (accept)";
    private static final String APPLY = "inbound user.updated applied (processed)";
    private static final String ACCEPT_ALONE = "  the same accepts, nothing applied meanwhile";
    private static final String APPLY_ALONE = "  the same applied, a backlog drained with no traffic";
    private static final String EVENTS_URI = "/v1/webhook-sources/{name}/events";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration APPLY_TIMEOUT = Duration.ofMinutes(5);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final BenchRun run;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();

    private InboundBenchmark(BenchRun run) {
        this.run = run;
    }

    public static void main(String[] args) {
        BenchRun.execute(
                args,
                options -> BenchRun.Setup.plain("inbound", options, Map.of()),
                run -> new InboundBenchmark(run).measure());
    }

    private Report measure() throws Exception {
        BenchOptions options = run.options();
        var size = new Dataset.Size(options.users(), options.tenants(), options.memberships(), 0);
        Dataset dataset = run.dataset(size);
        String admin = run.signIns().signIn(Dataset.PLATFORM_ADMIN_EMAIL).accessToken();
        String secret = freshSource(admin);
        BenchRun.step("webhook source '%s' created", SOURCE);

        List<Report.Row> rows = new ArrayList<>(run.load(List.of()));
        double trivialRps = rows.getFirst().rps();
        try (Connection db = DriverManager.getConnection(dataset.jdbcUrl(), "postgres", "")) {
            send(secret, options.users(), options.connections(), options.warmup(), "warmup");
            awaitApplied(db);
            var timings = new ServerTimings(run.server().managementUrl());
            ServerTimings.Scrape before = timings.scrape();
            long firstId = lastEventId(db);
            LoadResult accepted = send(secret, options.users(), options.connections(), options.duration(), "run");
            ServerTimings.Scrape after = timings.scrape();
            rows.add(Report.Row.of(
                    ACCEPT, accepted, ServerTimings.percentileMs(after.since(before, EVENTS_URI), 99), trivialRps));
            long pending = awaitApplied(db);
            rows.add(applied(db, firstId, pending, trivialRps, APPLY));
            rows.addAll(scim(db, admin, options, trivialRps));
        }
        rows.addAll(apart(secret, options, trivialRps));
        return run.report(size, 1, rows, Map.of(), List.of());
    }

    /**
     * Accepting and applying measured apart, since above they share the 2 cores: events accepted with the relay paused
     * (nothing applied meanwhile), then Roster restarted with its relay and that backlog drained with no traffic.
     */
    private List<Report.Row> apart(String secret, BenchOptions options, double trivialRps) throws Exception {
        var rows = new ArrayList<Report.Row>();
        run.restart(Map.of("ROSTER_OUTBOX_RELAY", "false"));
        try (Connection db = connect()) {
            long firstId = lastEventId(db);
            send(secret, options.users(), options.connections(), options.warmup(), "paused-warmup");
            var timings = new ServerTimings(run.server().managementUrl());
            ServerTimings.Scrape before = timings.scrape();
            LoadResult accepted = send(secret, options.users(), options.connections(), options.duration(), "paused");
            ServerTimings.Scrape after = timings.scrape();
            rows.add(Report.Row.of(
                    ACCEPT_ALONE,
                    accepted,
                    ServerTimings.percentileMs(after.since(before, EVENTS_URI), 99),
                    trivialRps));
            run.restart(Map.of());
            try (Connection again = connect()) {
                long pending = awaitApplied(again);
                rows.add(applied(again, firstId, pending, trivialRps, APPLY_ALONE));
            }
        }
        return rows;
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + run.server().postgresPort() + "/postgres", "postgres", "");
    }

    /**
     * SCIM as an identity provider uses it, over {@code --connections}: user creates ({@code POST /scim/v2/Users}, each
     * a new user of one of the dataset's tenants), then lookups of those users by userName (what Entra ID and Okta
     * send before each write), each for the run's duration after a warm-up.
     */
    private List<Report.Row> scim(Connection db, String admin, BenchOptions options, double trivialRps)
            throws Exception {
        String tenant;
        try (var st = db.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT id FROM tenants WHERE slug LIKE 'bench-%' ORDER BY slug LIMIT 1")) {
            rs.next();
            tenant = rs.getString(1);
        }
        HttpResponse<String> created = send(request("/v1/scim-clients", admin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"bench-" + System.nanoTime() + "\",\"tenant_ids\":[\"" + tenant + "\"]}"))
                .build());
        if (created.statusCode() != 201) {
            throw new IllegalStateException(
                    "POST /v1/scim-clients answered " + created.statusCode() + ": " + created.body());
        }
        String token = JSON.readTree(created.body()).path("token").asString();
        var userNames = new ConcurrentLinkedQueue<String>();
        String run = Long.toString(System.nanoTime(), 36);
        var next = new AtomicLong();
        Loop create = () -> {
            String userName = "scim-" + run + "-" + next.incrementAndGet() + "@bench.example";
            userNames.add(userName);
            return HttpRequest.newBuilder(URI.create(this.run.baseUrl() + "/scim/v2/Users"))
                    .timeout(TIMEOUT)
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/scim+json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
                                    + "\"userName\":\"" + userName + "\",\"externalId\":\"" + userName + "\","
                                    + "\"name\":{\"givenName\":\"Scim\",\"familyName\":\"Bench\"},"
                                    + "\"emails\":[{\"value\":\"" + userName
                                    + "\",\"type\":\"work\",\"primary\":true}],"
                                    + "\"active\":true}"))
                    .build();
        };
        var timings = new ServerTimings(this.run.server().managementUrl());
        loop(create, 201, options.connections(), options.warmup(), "SCIM creates, warm-up");
        ServerTimings.Scrape before = timings.scrape();
        LoadResult creates = loop(create, 201, options.connections(), options.duration(), "SCIM creates");
        ServerTimings.Scrape after = timings.scrape();
        var rows = new ArrayList<Report.Row>();
        rows.add(Report.Row.of(
                "POST /scim/v2/Users (create)",
                creates,
                ServerTimings.percentileMs(after.since(before, "/scim/v2/Users"), 99),
                trivialRps));
        List<String> known = List.copyOf(userNames);
        var turn = new AtomicLong();
        Loop lookup = () -> HttpRequest.newBuilder(URI.create(this.run.baseUrl() + "/scim/v2/Users?filter="
                        + java.net.URLEncoder.encode(
                                "userName eq \"" + known.get((int) (turn.incrementAndGet() % known.size())) + "\"",
                                java.nio.charset.StandardCharsets.UTF_8)))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .GET()
                .build();
        loop(lookup, 200, options.connections(), options.warmup(), "SCIM lookups, warm-up");
        before = timings.scrape();
        LoadResult lookups = loop(lookup, 200, options.connections(), options.duration(), "SCIM lookups");
        after = timings.scrape();
        rows.add(Report.Row.of(
                "GET /scim/v2/Users?filter=userName eq (lookup)",
                lookups,
                ServerTimings.percentileMs(after.since(before, "/scim/v2/Users"), 99),
                trivialRps));
        return rows;
    }

    /** The next request of a closed loop. */
    private interface Loop {
        HttpRequest next();
    }

    /** {@code connections} senders in a closed loop for {@code duration}; errors: answers other than {@code ok}. */
    private LoadResult loop(Loop requests, int ok, int connections, Duration duration, String what) throws Exception {
        var errors = new AtomicLong();
        var latencies = new ConcurrentLinkedQueue<Long>();
        long deadline = System.nanoTime() + duration.toNanos();
        long started = System.nanoTime();
        try (var senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < connections; c++) {
                senders.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        HttpRequest request = requests.next();
                        long sent = System.nanoTime();
                        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                        latencies.add(System.nanoTime() - sent);
                        if (response.statusCode() != ok) {
                            errors.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
        }
        double seconds = BenchRun.secondsSince(started);
        double[] ms = latencies.stream().mapToDouble(n -> n / 1e6).sorted().toArray();
        BenchRun.step(
                "%s: %,d in %.1f s (%.0f/s), %,d failed", what, ms.length, seconds, ms.length / seconds, errors.get());
        return new LoadResult(ms.length, seconds, percentile(ms, 50), percentile(ms, 99), errors.get());
    }

    /** Deletes the source an earlier run left, creates it again; its secret. */
    private String freshSource(String admin) throws Exception {
        send(request("/v1/webhook-sources/" + SOURCE, admin).DELETE().build());
        HttpResponse<String> created = send(request("/v1/webhook-sources", admin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + SOURCE + "\"}"))
                .build());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("POST /v1/webhook-sources answered " + created.statusCode() + ": "
                    + created.body() + "\nDoes this Roster have inbound webhooks? (see bench/README.md)");
        }
        return JSON.readTree(created.body()).path("secret").asString();
    }

    /**
     * {@code connections} senders, each in a loop for {@code duration}: a {@code user.updated} of the next user (1 to
     * {@code users}, a first name that changes every pass), signed now under a new id. Errors: answers other than 202.
     */
    private LoadResult send(String secret, int users, int connections, Duration duration, String tag) throws Exception {
        var webhook = new Webhook(secret);
        var next = new AtomicLong();
        long started = System.nanoTime();
        return loop(
                () -> {
                    long n = next.incrementAndGet();
                    long user = 1 + n % users;
                    String id = "bench-" + tag + "-" + started + "-" + n;
                    String body = "{\"type\":\"user.updated\",\"timestamp\":\"" + Instant.now()
                            + "\",\"data\":{\"id\":\"user" + user + "@bench.example\",\"email\":\"user" + user
                            + "@bench.example\",\"first_name\":\"Pass" + (n / users) + "\"}}";
                    long timestamp = Instant.now().getEpochSecond();
                    String signature;
                    try {
                        signature = webhook.sign(id, timestamp, body);
                    } catch (Exception e) {
                        throw new IllegalStateException("could not sign an event", e);
                    }
                    return HttpRequest.newBuilder(
                                    URI.create(run.baseUrl() + "/v1/webhook-sources/" + SOURCE + "/events"))
                            .timeout(TIMEOUT)
                            .header("Content-Type", "application/json")
                            .header("webhook-id", id)
                            .header("webhook-timestamp", Long.toString(timestamp))
                            .header("webhook-signature", signature)
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build();
                },
                202,
                connections,
                duration,
                "events sent (" + tag + ")");
    }

    /**
     * The events of this run, from their arrival to their application: events per second from the first application
     * to the last, and the p50/p99 of each one's wait (received to applied); errors: those not applied in time.
     */
    private static Report.Row applied(Connection db, long afterId, long pending, double trivialRps, String label)
            throws Exception {
        var waits = new ArrayList<Double>();
        Instant first = null;
        Instant last = null;
        try (PreparedStatement st = db.prepareStatement("SELECT received_at, applied_at FROM inbound_events"
                + " WHERE id > ? AND applied_at IS NOT NULL ORDER BY applied_at")) {
            st.setLong(1, afterId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Instant received = rs.getTimestamp(1).toInstant();
                    Instant applied = rs.getTimestamp(2).toInstant();
                    first = first == null ? applied : first;
                    last = applied;
                    waits.add(Duration.between(received, applied).toNanos() / 1e6);
                }
            }
        }
        double[] ms = waits.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double seconds = first == null
                ? Double.NaN
                : Math.max(1e-3, Duration.between(first, last).toNanos() / 1e9);
        BenchRun.step(
                "applied: %,d events in %.1f s from the first to the last (%.0f/s)",
                ms.length, seconds, ms.length / seconds);
        var load = new LoadResult(ms.length, seconds, percentile(ms, 50), percentile(ms, 99), pending);
        return Report.Row.of(label, load, Double.NaN, trivialRps);
    }

    /** Waits until every recorded event is applied (or 5 minutes); how many are not. */
    private static long awaitApplied(Connection db) throws Exception {
        long deadline = System.nanoTime() + APPLY_TIMEOUT.toNanos();
        long pending;
        while ((pending = count(db, "SELECT count(*) FROM inbound_events WHERE outcome IS NULL")) > 0
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        return pending;
    }

    private static long lastEventId(Connection db) throws Exception {
        return count(db, "SELECT coalesce(max(id), 0) FROM inbound_events");
    }

    private static long count(Connection db, String sql) throws Exception {
        try (var st = db.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double percentile(double[] sorted, int p) {
        return sorted.length == 0
                ? Double.NaN
                : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private HttpRequest.Builder request(String path, String bearer) {
        return HttpRequest.newBuilder(URI.create(run.baseUrl() + path))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + bearer);
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
