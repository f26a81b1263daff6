package dev.roster.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code outbox} scenario ({@code ./roster bench outbox}): how fast the relay drains the transactional outbox to a
 * change-feed subscriber, with one node and with two on one database; how long a membership change takes to reach
 * the subscriber at a steady 1,000 changes a second; and what the outbox costs the admin write path (role assignment
 * with a subscriber, so that every change writes an event, next to the same run without one). See bench/README.md.
 *
 * <p>Steps: start Roster with the directory simulator's write-back off (so that a subscription is the only target
 * and "off" means no event at all), the dataset of {@code admin} (a tenant of 10,000 members), a subscriber on
 * 127.0.0.1 ({@link WebhookReceiver}) subscribed to {@code membership.*}; then the assignments without and with the
 * subscription enabled (closed loop, like {@code admin}); then the paced changes; then a backlog written by SQL and
 * held back, released at once, drained by one node, and again by two.
 */
public final class OutboxBenchmark {

    static final double DRAIN_TARGET = 2_000;
    static final int CHANGES_PER_SECOND = 1_000;

    private static final int LARGE_TENANT_MEMBERS = 10_000;
    private static final int BACKLOG = 100_000;
    private static final int QUICK_BACKLOG = 20_000;
    /** Events per user in the backlog: the relay keeps each user's in order, and drains users side by side. */
    private static final int EVENTS_PER_USER = 5;
    /** Paced changes in flight at most; more means Roster is not keeping up, and the pace drops. */
    private static final int IN_FLIGHT = 64;

    private static final String ASSIGN_OFF = "PUT /v1/tenants/{id}/members/{user} (assign), no subscriber";
    private static final String ASSIGN_ON = "PUT /v1/tenants/{id}/members/{user} (assign), outbox to a subscriber";
    private static final String MEMBER_URI = "/v1/tenants/{tenantId}/members/{userId}";
    private static final String ROLE = "developer";
    private static final String OTHER_ROLE = "viewer";

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    // The backlog: EVENTS_PER_USER changes of each of (backlog / EVENTS_PER_USER) users, as Outbox.append writes
    // them, held back a day until released.
    private static final String INSERT_BACKLOG = """
            INSERT INTO outbox (event_id, target, aggregate_type, aggregate_id, sequence, event_type, payload, origin,
                                created_at, next_attempt_at)
            SELECT gen_random_uuid(), ?, 'user', u.id::text, 1000000 + n, 'membership.changed',
                   jsonb_build_object('user_id', u.id, 'tenant_id', ?::uuid, 'role', CASE WHEN n % 2 = 0 THEN ?
                                      ELSE ? END, 'role_id', gen_random_uuid(), 'source', 'local', 'n', n),
                   'local', now(), now() + interval '1 day'
            FROM (SELECT id FROM users ORDER BY id LIMIT ?) u, generate_series(1, ?) n
            """;

    private static final String UNDELIVERED =
            "SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL";

    private final BenchRun run;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private String admin = "";

    private OutboxBenchmark(BenchRun run) {
        this.run = run;
    }

    public static void main(String[] args) {
        BenchRun.execute(
                args,
                options -> BenchRun.Setup.plain("outbox", options, Map.of("ROSTER_DEMO_DIRECTORY_WRITE_BACK", "false")),
                run -> new OutboxBenchmark(run).measure());
    }

    private OutboxReport measure() throws Exception {
        BenchOptions options = run.options();
        var size = new Dataset.Size(
                options.users(),
                options.tenants(),
                options.memberships(),
                Math.min(LARGE_TENANT_MEMBERS, options.users()));
        Dataset dataset = run.dataset(size);
        UUID tenant = dataset.largeTenantId();
        admin = run.signIns().signIn(Dataset.PLATFORM_ADMIN_EMAIL).accessToken();
        int backlog = options.quick() ? QUICK_BACKLOG : BACKLOG;

        try (var receiver = new WebhookReceiver();
                Connection db = DriverManager.getConnection(dataset.jdbcUrl(), "postgres", "")) {
            removeSubscriptions();
            try (Statement st = db.createStatement()) {
                st.execute("TRUNCATE outbox");
            }
            String subscription = subscribe(receiver.url());
            BenchRun.step("subscriber on %s, subscription %s", receiver.url(), subscription);

            List<Report.Row> rows = new ArrayList<>(run.load(List.of(
                    assignments(ASSIGN_OFF, dataset, tenant, subscription, false),
                    assignments(ASSIGN_ON, dataset, tenant, subscription, true))));
            setEnabled(subscription, true);
            awaitDrained(db, "the assignments' events");

            Report.Row trivial = rows.getFirst();
            rows.add(paced(dataset, tenant, receiver, db, options.duration(), trivial.rps()));

            var drained = new LinkedHashMap<String, Double>();
            Report.Row one = drain(db, receiver, subscription, tenant, backlog, 1, trivial.rps());
            rows.add(one);
            drained.put("1", one.rps());
            try (RosterServer second = RosterServer.startBeside(
                    run.jar(), run.home(), run.server(), Map.of("ROSTER_DEMO_DIRECTORY_WRITE_BACK", "false"))) {
                Report.Row two = drain(db, receiver, subscription, tenant, backlog, 2, trivial.rps());
                rows.add(two);
                drained.put("2", two.rps());
            }
            var targets = List.of(
                    Report.Target.successfulRpsAtLeast(one, DRAIN_TARGET),
                    Report.Target.successfulRpsAtLeast(rows.get(rows.size() - 1), DRAIN_TARGET));
            Report report = run.report(size, 1, rows, Map.of(), targets);
            return new OutboxReport(report, drained, backlog, CHANGES_PER_SECOND);
        }
    }

    /**
     * Role assignments in the large tenant, closed loop as in {@code admin}; before each run the subscription is
     * enabled or disabled, so that the changes write an event each, or none.
     */
    private BenchRun.Endpoint assignments(
            String label, Dataset dataset, UUID tenant, String subscription, boolean outbox) {
        return new BenchRun.Endpoint(label, MEMBER_URI, () -> {
            setEnabled(subscription, outbox);
            var puts = new ArrayList<Workload.Put>();
            dataset.rolesIn(tenant).forEach((user, role) -> {
                String first = ROLE.equals(role) ? OTHER_ROLE : ROLE;
                String second = first.equals(ROLE) ? OTHER_ROLE : ROLE;
                puts.add(new Workload.Put(memberPath(tenant, user), admin, roleBody(first), roleBody(second)));
            });
            return new Workload.Puts(puts);
        });
    }

    /**
     * Membership changes at {@link #CHANGES_PER_SECOND} for {@code duration}, each sent on its tick (at most
     * {@link #IN_FLIGHT} in flight: beyond that the pace drops, and the row says so), and how long each took from its
     * commit to the subscriber. The row: changes per second achieved, the delivery latency's p50 and p99, errors
     * (changes refused, and changes whose event never arrived).
     */
    private Report.Row paced(
            Dataset dataset, UUID tenant, WebhookReceiver receiver, Connection db, Duration duration, double trivialRps)
            throws Exception {
        Map<UUID, String> roles = new HashMap<>(dataset.rolesIn(tenant));
        List<UUID> users = new ArrayList<>(roles.keySet());
        int changes = (int) (CHANGES_PER_SECOND * duration.toSeconds());
        BenchRun.step("%,d membership changes at %,d/s, each timed to the subscriber", changes, CHANGES_PER_SECOND);
        receiver.reset();
        var inFlight = new Semaphore(IN_FLIGHT);
        var failed = new AtomicLong();
        var succeeded = new AtomicLong();
        long interval = TimeUnit.SECONDS.toNanos(1) / CHANGES_PER_SECOND;
        long started = System.nanoTime();
        for (int i = 0; i < changes; i++) {
            long due = started + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            UUID user = users.get(i % users.size());
            String role = ROLE.equals(roles.get(user)) ? OTHER_ROLE : ROLE;
            roles.put(user, role);
            inFlight.acquire();
            http.sendAsync(put(memberPath(tenant, user), roleBody(role)), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, error) -> {
                        inFlight.release();
                        if (error == null && response.statusCode() / 100 == 2) {
                            succeeded.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    });
        }
        inFlight.acquire(IN_FLIGHT);
        double seconds = BenchRun.secondsSince(started);
        inFlight.release(IN_FLIGHT);
        awaitDrained(db, "the paced changes' events");
        double[] latencies = receiver.arrivals().stream()
                .mapToDouble(WebhookReceiver.Arrival::latencyMs)
                .toArray();
        long lost = Math.max(0, succeeded.get() - latencies.length);
        BenchRun.step(
                "%,d changes in %.1f s (%.0f/s), %,d events received (%,d deliveries), %,d refused",
                succeeded.get(),
                seconds,
                succeeded.get() / seconds,
                latencies.length,
                receiver.deliveries(),
                failed.get());
        var load = new LoadResult(
                succeeded.get() + failed.get(),
                seconds,
                percentile(latencies, 50),
                percentile(latencies, 99),
                failed.get() + lost);
        return Report.Row.of(
                String.format("membership change to subscriber at %,d/s (latency)", CHANGES_PER_SECOND),
                load,
                Double.NaN,
                trivialRps);
    }

    /**
     * A backlog of {@code events} written by SQL and held back, then released at once and drained by {@code nodes}
     * node(s). The row: events per second from the first delivery to the last (the relay's throughput; the wait for
     * its next poll left out), the p50 and p99 of each event's time from the release to the subscriber, and the
     * events not delivered (errors).
     */
    private Report.Row drain(
            Connection db,
            WebhookReceiver receiver,
            String subscription,
            UUID tenant,
            int events,
            int nodes,
            double trivialRps)
            throws Exception {
        try (var insert = db.prepareStatement(INSERT_BACKLOG)) {
            insert.setString(1, "webhook:" + subscription);
            insert.setString(2, tenant.toString());
            insert.setString(3, ROLE);
            insert.setString(4, OTHER_ROLE);
            insert.setInt(5, events / EVENTS_PER_USER);
            insert.setInt(6, EVENTS_PER_USER);
            insert.executeUpdate();
        }
        try (Statement st = db.createStatement()) {
            st.execute("ANALYZE outbox");
        }
        receiver.reset();
        BenchRun.step("%d node(s): draining a backlog of %,d events", nodes, events);
        long released = System.nanoTime();
        try (Statement st = db.createStatement()) {
            st.executeUpdate("UPDATE outbox SET next_attempt_at = now() WHERE delivered_at IS NULL");
        }
        long remaining = awaitDrained(db, "the backlog");
        long[] arrivals = receiver.arrivals().stream()
                .mapToLong(WebhookReceiver.Arrival::nanos)
                .sorted()
                .toArray();
        double firstToLast = arrivals.length < 2 ? Double.NaN : (arrivals[arrivals.length - 1] - arrivals[0]) / 1e9;
        double[] sinceRelease = Arrays.stream(arrivals)
                .mapToDouble(nanos -> (nanos - released) / 1e6)
                .toArray();
        BenchRun.step(
                "%,d events in %.1f s from the first delivery to the last (%.0f/s), %,d deliveries, %,d left",
                arrivals.length, firstToLast, arrivals.length / firstToLast, receiver.deliveries(), remaining);
        var load = new LoadResult(
                arrivals.length,
                firstToLast,
                percentile(sinceRelease, 50),
                percentile(sinceRelease, 99),
                remaining + Math.max(0, events - arrivals.length));
        return Report.Row.of(
                String.format("drain a backlog of %,d events, %d node%s", events, nodes, nodes == 1 ? "" : "s"),
                load,
                Double.NaN,
                trivialRps);
    }

    /** Waits until the outbox has nothing left to deliver (or gives up after 5 minutes); what is left. */
    private static long awaitDrained(Connection db, String what) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        long left;
        while ((left = undelivered(db)) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        if (left > 0) {
            BenchRun.step("%s: %,d events still undelivered after %d s", what, left, DRAIN_TIMEOUT.toSeconds());
        }
        return left;
    }

    private static long undelivered(Connection db) throws SQLException {
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery(UNDELIVERED)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double percentile(double[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double[] copy = sorted.clone();
        Arrays.sort(copy);
        return copy[(int) Math.min(copy.length - 1, Math.ceil(p / 100.0 * copy.length) - 1)];
    }

    /** Deletes the subscriptions of earlier runs (the home is kept from run to run). */
    private void removeSubscriptions() throws IOException, InterruptedException {
        JsonNode page = JSON.readTree(
                expect(send(get("/v1/webhook-subscriptions?limit=100")), 200).body());
        for (JsonNode subscription : page.path("items")) {
            expect(
                    send(delete("/v1/webhook-subscriptions/"
                            + subscription.path("id").asString())),
                    200,
                    204);
        }
    }

    private String subscribe(String url) throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(Map.of("url", url, "event_types", List.of("membership.*")));
        return JSON.readTree(expect(send(post("/v1/webhook-subscriptions", body)), 201)
                        .body())
                .path("id")
                .asString();
    }

    private void setEnabled(String subscription, boolean enabled) throws IOException, InterruptedException {
        expect(send(patch("/v1/webhook-subscriptions/" + subscription, "{\"enabled\":" + enabled + "}")), 200);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(run.baseUrl() + path))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + admin);
    }

    private HttpRequest get(String path) {
        return request(path).GET().build();
    }

    private HttpRequest delete(String path) {
        return request(path).DELETE().build();
    }

    private HttpRequest post(String path, String json) {
        return request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    private HttpRequest patch(String path, String json) {
        return request(path)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    private HttpRequest put(String path, String json) {
        return request(path)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> expect(HttpResponse<String> response, int... statuses) {
        for (int status : statuses) {
            if (response.statusCode() == status) {
                return response;
            }
        }
        throw new IllegalStateException(response.request().method() + " "
                + response.request().uri() + " answered " + response.statusCode() + ": " + response.body());
    }

    private static String memberPath(UUID tenant, UUID user) {
        return "/v1/tenants/" + tenant + "/members/" + user;
    }

    private static String roleBody(String role) {
        return "{\"role\":\"" + role + "\"}";
    }
}
