package dev.roster.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.roster.support.Http;
import dev.roster.support.TestInfrastructure;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The outbox survives {@code kill -9} (issue 9): a Roster in a process of its own drains a backlog of 10,000 change-feed
 * events to a webhook receiver and is killed with SIGKILL at random moments, several times, then restarted. The
 * receiver must have every event at least once, each duplicate under the same {@code webhook-id} (the idempotency key)
 * as the first, and, per aggregate, first seen in sequence order.
 *
 * <p>A separate process, not a second Spring context in this JVM: only a real {@code kill -9} leaves claims held, HTTP
 * requests half sent and outcomes unrecorded the way a crashed node does. The child runs {@link
 * dev.roster.RosterApplication} from this JVM's classpath without the test classes (so that no test configuration is
 * scanned), on a database of its own in the shared embedded PostgreSQL, signing users in with the shared OIDC provider.
 */
class OutboxCrashTests {

    private static final int EVENTS = 10_000;
    private static final int AGGREGATES = 250;
    private static final int KILLS = 3;
    /**
     * Each delivery takes the receiver this long, with at most {@link #CONCURRENCY} in flight: the drain is capped at
     * 400 events/s, so the 10,000 take far longer than the kills, which therefore land mid-drain on any machine.
     */
    private static final Duration RECEIVER_LATENCY = Duration.ofMillis(10);

    private static final int CONCURRENCY = 4;
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String BACKLOG = """
            INSERT INTO outbox (event_id, target, aggregate_type, aggregate_id, sequence, event_type, payload, origin,
                                created_at, next_attempt_at)
            WITH aggregates AS (SELECT n, gen_random_uuid() AS id FROM generate_series(0, :aggregates - 1) n)
            SELECT gen_random_uuid(), :target, 'user', a.id::text, 1000 + i, 'membership.assigned',
                   jsonb_build_object('user_id', a.id, 'tenant_id', :tenant, 'role', 'viewer'), 'local', now(), now()
            FROM generate_series(0, :events - 1) i JOIN aggregates a ON a.n = i % :aggregates
            ORDER BY i
            """;
    private static final String PROGRESS = """
            SELECT count(*) FILTER (WHERE delivered_at IS NOT NULL) AS delivered,
                   count(*) FILTER (WHERE dead_at IS NOT NULL) AS dead,
                   count(*) FILTER (WHERE delivered_at IS NULL AND dead_at IS NULL) AS pending
            FROM outbox
            """;

    /** One request the receiver got: the event it names and what the body says it is about. */
    record Receipt(String webhookId, String aggregateId, long sequence, boolean signatureValid) {}

    record Progress(long delivered, long dead, long pending) {}

    record Event(String aggregateId, long sequence) {}

    @Test
    void aRosterKilledMidDrainAndRestartedDeliversEveryEventAtLeastOnceInOrderPerAggregate() throws Exception {
        long seed = System.nanoTime();
        System.out.println("OutboxCrashTests: seed " + seed);
        var random = new Random(seed);
        String database = "outbox_crash_" + UUID.randomUUID().toString().replace("-", "");
        JdbcClient postgres = JdbcClient.create(TestInfrastructure.postgres().getPostgresDatabase());
        postgres.sql("CREATE DATABASE " + database).update();
        DataSource dataSource = TestInfrastructure.postgres().getDatabase("postgres", database);
        JdbcClient jdbc = JdbcClient.create(dataSource);
        Path logs = Files.createDirectories(Path.of("target", "outbox-crash"));
        Path home = Files.createDirectories(logs.resolve("home"));
        var receiver = new Receiver();
        Child child = null;
        Instant started = Instant.now();
        try {
            // The subscription is made as a user would, through the API: its secret then signs every delivery.
            child = Child.start(database, home, logs.resolve("child-0.log"));
            JsonNode subscription = child.subscribe(receiver.url());
            receiver.secret = subscription.path("secret").asString();
            child.stop();

            String target = "webhook:" + subscription.path("id").asString();
            jdbc.sql(BACKLOG)
                    .param("aggregates", AGGREGATES)
                    .param("events", EVENTS)
                    .param("target", target)
                    .param("tenant", UUID.randomUUID().toString())
                    .update();
            Map<String, Event> backlog = jdbc
                    .sql("SELECT event_id::text, aggregate_id, sequence FROM outbox")
                    .query((rs, i) -> Map.entry(
                            rs.getString("event_id"), new Event(rs.getString("aggregate_id"), rs.getLong("sequence"))))
                    .list()
                    .stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            assertThat(backlog).hasSize(EVENTS);

            int killsMidDrain = 0;
            var pendingAtKills = new ArrayList<Long>();
            for (int kill = 1; kill <= KILLS; kill++) {
                child = Child.start(database, home, logs.resolve("child-" + kill + ".log"));
                Thread.sleep(500 + random.nextInt(2_500));
                child.kill();
                long pending = progress(jdbc).pending();
                pendingAtKills.add(pending);
                if (pending > 0) {
                    killsMidDrain++;
                }
            }
            child = Child.start(database, home, logs.resolve("child-" + (KILLS + 1) + ".log"));
            Progress progress = awaitDrained(jdbc);
            Duration took = Duration.between(started, Instant.now());

            List<Receipt> receipts = receiver.receipts();
            Map<String, List<Receipt>> byEvent = receipts.stream()
                    .collect(Collectors.groupingBy(Receipt::webhookId, LinkedHashMap::new, Collectors.toList()));
            int duplicates = receipts.size() - byEvent.size();
            System.out.printf(
                    "OutboxCrashTests: %d events, %d deliveries received, %d duplicates, %d kills (%d with events"
                            + " pending: %s left), %d restarts, %d s%n",
                    EVENTS, receipts.size(), duplicates, KILLS, killsMidDrain, pendingAtKills, KILLS, took.toSeconds());

            assertThat(progress).isEqualTo(new Progress(EVENTS, 0, 0));
            assertThat(killsMidDrain)
                    .as("kills that landed while events were pending")
                    .isPositive();
            // Every event arrived, and nothing else did.
            assertThat(byEvent.keySet()).isEqualTo(backlog.keySet());
            // A duplicate is the same event under the same key: its body says what the first one said.
            for (Receipt receipt : receipts) {
                assertThat(new Event(receipt.aggregateId(), receipt.sequence()))
                        .as("what the delivery of %s says", receipt.webhookId())
                        .isEqualTo(backlog.get(receipt.webhookId()));
            }
            assertThat(receipts).allMatch(Receipt::signatureValid, "signed with the subscription's secret");
            // Per aggregate, the first receipts of its events come in sequence order.
            var lastFirstSeen = new HashMap<String, Long>();
            for (List<Receipt> deliveries : byEvent.values()) {
                Receipt first = deliveries.getFirst();
                Long previous = lastFirstSeen.put(first.aggregateId(), first.sequence());
                assertThat(previous == null || previous < first.sequence())
                        .as(
                                "aggregate %s: sequence %d first seen after %d",
                                first.aggregateId(), first.sequence(), previous)
                        .isTrue();
            }
        } finally {
            if (child != null) {
                child.kill();
            }
            receiver.stop();
            postgres.sql("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)")
                    .update();
        }
    }

    private static Progress progress(JdbcClient jdbc) {
        return jdbc.sql(PROGRESS)
                .query((rs, i) -> new Progress(rs.getLong("delivered"), rs.getLong("dead"), rs.getLong("pending")))
                .single();
    }

    private static Progress awaitDrained(JdbcClient jdbc) throws InterruptedException {
        Instant deadline = Instant.now().plus(DRAIN_TIMEOUT);
        Progress progress = progress(jdbc);
        while (progress.pending() > 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
            progress = progress(jdbc);
        }
        if (progress.pending() > 0) {
            throw new AssertionError("the outbox was not drained within " + DRAIN_TIMEOUT + ": " + progress);
        }
        return progress;
    }

    /** A change-feed subscriber: records every delivery, checks its signature, answers 204 after a short while. */
    static final class Receiver {

        private final HttpServer server;
        private final List<Receipt> receipts = new ArrayList<>();
        volatile String secret;

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/events", this::receive);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/events";
        }

        private void receive(HttpExchange exchange) throws IOException {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                boolean valid;
                try {
                    new Webhook(secret).verify(body, exchange.getRequestHeaders());
                    valid = true;
                } catch (Exception forged) {
                    valid = false;
                }
                JsonNode event = JSON.readTree(body);
                var receipt = new Receipt(
                        exchange.getRequestHeaders().getFirst("webhook-id"),
                        event.path("aggregate").path("id").asString(),
                        event.path("sequence").asLong(),
                        valid);
                synchronized (receipts) {
                    receipts.add(receipt);
                }
                Thread.sleep(RECEIVER_LATENCY);
                exchange.sendResponseHeaders(204, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Every delivery so far, in the order they arrived. */
        List<Receipt> receipts() {
            synchronized (receipts) {
                return List.copyOf(receipts);
            }
        }

        void stop() {
            server.stop(0);
        }
    }

    /** A Roster in a process of its own, logging to a file. */
    static final class Child {

        private final Process process;
        private final Path log;
        private final Http http;

        private Child(Process process, Path log, int port) {
            this.process = process;
            this.log = log;
            this.http = new Http("http://127.0.0.1:" + port);
        }

        static Child start(String database, Path home, Path log) throws IOException, InterruptedException {
            String java = ProcessHandle.current().info().command().orElseThrow();
            // Short-lived and small: C1 only, for a quick start.
            var command = List.of(
                    java,
                    "-Xmx384m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    applicationClassPath(),
                    "dev.roster.RosterApplication");
            var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            var env = builder.environment();
            env.keySet().removeIf(name -> name.startsWith("ROSTER_"));
            int port = freePort();
            env.putAll(Map.ofEntries(
                    Map.entry(
                            "ROSTER_DB_URL",
                            "jdbc:postgresql://127.0.0.1:"
                                    + TestInfrastructure.postgres().getPort() + "/" + database),
                    Map.entry("ROSTER_DB_USER", "postgres"),
                    Map.entry("ROSTER_DB_PASSWORD", ""),
                    Map.entry("ROSTER_DB_POOL_SIZE", "4"),
                    Map.entry("ROSTER_HOME", home.toString()),
                    Map.entry("ROSTER_PORT", Integer.toString(port)),
                    Map.entry("ROSTER_MANAGEMENT_PORT", Integer.toString(freePort())),
                    Map.entry("ROSTER_LOG_FORMAT", ""),
                    Map.entry("ROSTER_KEYS_ENCRYPTION_KEY", TestInfrastructure.ENCRYPTION_KEY),
                    Map.entry("ROSTER_OIDC_ISSUER", TestInfrastructure.issuer()),
                    Map.entry("ROSTER_OIDC_AUDIENCE", TestInfrastructure.AUDIENCE),
                    Map.entry("ROSTER_OIDC_HTTP_TIMEOUT", "15s"),
                    Map.entry("ROSTER_BOOTSTRAP_ADMINS", TestInfrastructure.ADMIN_EMAIL),
                    Map.entry("ROSTER_WEBHOOKS_ALLOW_PRIVATE_NETWORKS", "true"),
                    Map.entry("ROSTER_WEBHOOKS_ALLOW_HTTP", "true"),
                    // A killed node's claims lapse after 3 s; a delivery gives up before that.
                    Map.entry("ROSTER_OUTBOX_CLAIM_TIMEOUT", "3s"),
                    Map.entry("ROSTER_WEBHOOKS_TIMEOUT", "2s"),
                    Map.entry("ROSTER_OUTBOX_SCHEDULE", "0s,1s,1s,1s,1s,1s,1s,1s"),
                    Map.entry("ROSTER_OUTBOX_JITTER", "0"),
                    Map.entry("ROSTER_OUTBOX_POLL_INTERVAL", "200ms"),
                    Map.entry("ROSTER_OUTBOX_CONCURRENCY", Integer.toString(CONCURRENCY))));
            var child = new Child(builder.start(), log, port);
            child.awaitReady();
            return child;
        }

        /**
         * This JVM's classpath without its test classes: the application, its dependencies (test ones too, which
         * configure nothing by themselves) and none of the tests' {@code @Configuration}s.
         */
        private static String applicationClassPath() {
            return List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
                    .filter(entry -> !Path.of(entry).endsWith("test-classes"))
                    .collect(Collectors.joining(File.pathSeparator));
        }

        private static int freePort() {
            try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void awaitReady() throws InterruptedException, IOException {
            var readiness =
                    http.request("/readyz", null).timeout(Duration.ofSeconds(5)).build();
            Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
            try (var client = HttpClient.newHttpClient()) {
                while (Instant.now().isBefore(deadline)) {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(
                                "the child Roster exited with " + process.exitValue() + "; see " + log);
                    }
                    try {
                        if (client.send(readiness, HttpResponse.BodyHandlers.discarding())
                                        .statusCode()
                                == 200) {
                            return;
                        }
                    } catch (ConnectException notListeningYet) {
                        // keep waiting
                    }
                    Thread.sleep(100);
                }
            }
            kill();
            throw new IllegalStateException("the child Roster was not ready after " + STARTUP_TIMEOUT + "; see " + log);
        }

        /** Subscribes {@code url} to every event, as the bootstrap platform admin; the created subscription. */
        JsonNode subscribe(String url) {
            String idToken = TestInfrastructure.idp()
                    .issueToken(
                            TestInfrastructure.ISSUER_ID,
                            "root-admin",
                            TestInfrastructure.AUDIENCE,
                            Map.of("email", TestInfrastructure.ADMIN_EMAIL, "email_verified", true),
                            300)
                    .serialize();
            Http.Response signedIn = http.postForm(
                    "/v1/auth/token",
                    Http.form(
                            "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange",
                            "subject_token_type", "urn:ietf:params:oauth:token-type:id_token",
                            "subject_token", idToken));
            assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(200);
            String admin = signedIn.json().path("access_token").asString();
            Http.Response created =
                    http.postJson("/v1/webhook-subscriptions", admin, "{\"url\":\"" + url + "\"}", Map.of());
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            return created.json();
        }

        /** SIGTERM: a graceful stop. */
        void stop() throws InterruptedException {
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS))
                    .as("the child stopped; see " + log)
                    .isTrue();
        }

        /** SIGKILL ({@code kill -9}): no shutdown hook, no released claim, requests cut wherever they are. */
        void kill() throws InterruptedException {
            if (!process.isAlive()) {
                return;
            }
            process.destroyForcibly();
            assertThat(process.waitFor(10, TimeUnit.SECONDS))
                    .as("the child died")
                    .isTrue();
            assertThat(process.exitValue()).as("killed by signal 9").isEqualTo(128 + 9);
        }
    }
}
