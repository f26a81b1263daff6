package dev.roster.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.roster.connectors.UpstreamBudget;
import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Sync on two nodes sharing one PostgreSQL and one directory: one upstream call per user however many nodes and
 * refreshes ask, the sweep once per cluster, a dead node's work picked up, one rate budget for both.
 */
class DirectorySyncClusterTests extends IntegrationTest {

    static final int RATE = 20;

    static ConfigurableApplicationContext nodeB;
    static Http b;

    @DynamicPropertySource
    static void directory(DynamicPropertyRegistry registry) {
        clusterProperties().forEach((k, v) -> registry.add(k, () -> v));
    }

    static Map<String, String> clusterProperties() {
        var p = new HashMap<>(DirectoryStub.properties());
        p.put("roster.sync.budget.rate", String.valueOf(RATE));
        p.put("roster.sync.sweep.batch-size", "10");
        p.put("roster.sync.sweep.lease", "2s");
        p.put("roster.sync.claim-timeout", "2s");
        return p;
    }

    @BeforeAll
    static void startSecondNode() {
        nodeB = startAnotherNode(clusterProperties());
        b = httpOf(nodeB);
    }

    @AfterAll
    static void stopSecondNode() {
        nodeB.close();
    }

    @Autowired
    Sweep sweepA;

    @Autowired
    UpstreamBudget budgetA;

    @BeforeEach
    void reset() {
        DirectoryStub.reset();
        DirectoryStub.knowsThePlatformAdmin();
        jdbc.sql("UPDATE sync_jobs SET holder = NULL, lease_until = NULL, last_started_at = NULL")
                .update();
        jdbc.sql("UPDATE upstream_budget SET paused_until = NULL").update();
    }

    private String signInStale(String subject) {
        signIn(subject, subject + "@example.com", roles("viewer", "acme"));
        DirectoryStub.holds(subject, subject + "@example.com", "developer", "acme");
        String id = userId(subject + "@example.com");
        jdbc.sql("UPDATE users SET last_roles_sync_at = now() - interval '13 hours' WHERE id = CAST(:id AS uuid)")
                .param("id", id)
                .update();
        return id;
    }

    private static Http.Response refresh(Http node, String refreshToken) {
        return node.postForm("/v1/auth/token", Http.form("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    @Test
    void refreshesOnBothNodesMakeOneUpstreamCall() throws Exception {
        JsonNode first = signIn("two-1", "two-1@example.com", roles("viewer", "acme"));
        JsonNode second = signIn("two-1", "two-1@example.com", roles("viewer", "acme"));
        String id = userId("two-1@example.com");
        DirectoryStub.answer(
                "two-1",
                okJson(DirectoryStub.user("two-1", "two-1@example.com", true, "developer", "acme"))
                        .withFixedDelay(300));
        jdbc.sql("UPDATE users SET last_roles_sync_at = now() - interval '1 hour' WHERE id = CAST(:id AS uuid)")
                .param("id", id)
                .update();
        // Both nodes' cached views forget the user, as a real change would make them.
        assertThat(http.delete("/v1/users/" + id + "/cache", signInAsPlatformAdmin())
                        .status())
                .isEqualTo(204);
        Thread.sleep(200);

        var onA = CompletableFuture.supplyAsync(
                () -> refresh(http, first.path("refresh_token").asString()));
        var onB = CompletableFuture.supplyAsync(
                () -> refresh(b, second.path("refresh_token").asString()));
        assertThat(onA.get().status()).isEqualTo(200);
        assertThat(onB.get().status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> b.get(
                                "/v1/me", onB.get().json().path("access_token").asString())
                        .json()
                        .path("memberships")
                        .get(0)
                        .path("role")
                        .asString()
                        .equals("developer"));
        Thread.sleep(500);
        assertThat(DirectoryStub.fetches("two-1")).isEqualTo(1);
    }

    @Test
    void sweepsOnBothNodesSyncEachStaleUserOnce() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            ids.add(signInStale("sw-" + i));
        }
        Sweep sweepB = nodeB.getBean(Sweep.class);

        // Own threads, not the common pool: with 2 cores it has one worker, which the first sweep would block.
        var threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        var onA = CompletableFuture.supplyAsync(sweepA::runIfDue, threads);
        var onB = CompletableFuture.supplyAsync(sweepB::runIfDue, threads);
        Optional<Sweep.Report> a = onA.get();
        Optional<Sweep.Report> bReport = onB.get();

        // One node took the job; the other found it taken.
        assertThat(a.isPresent() ^ bReport.isPresent()).isTrue();
        Sweep.Report report = a.or(() -> bReport).orElseThrow();
        assertThat(report.claimed()).as(report.toString()).isEqualTo(25);
        for (int i = 0; i < 25; i++) {
            assertThat(DirectoryStub.fetches("sw-" + i)).as("sw-" + i).isEqualTo(1);
        }
        assertThat(jdbc.sql("""
                        SELECT count(*) FROM memberships m JOIN roles r ON r.id = m.role_id
                        WHERE r.slug = 'developer'""").query(Long.class).single()).isEqualTo(25);
        // Run again right away: the interval has not passed anywhere in the cluster.
        assertThat(sweepB.runIfDue()).isEmpty();
    }

    @Test
    void aNodeThatDiedMidSweepLeavesItsUsersToTheOtherOnceItsClaimsLapse() {
        for (int i = 0; i < 5; i++) {
            signInStale("dead-" + i);
        }
        // A node took the sweep and claimed these users, then died: its lease and claims run out in 2 s.
        jdbc.sql("UPDATE sync_jobs SET holder = 'dead-node', lease_until = now() + interval '2 seconds',"
                        + " last_started_at = now() - interval '1 hour'")
                .update();
        jdbc.sql("UPDATE users SET sync_claimed_until = now() + interval '2 seconds' WHERE email LIKE 'dead-%'")
                .update();
        Sweep sweepB = nodeB.getBean(Sweep.class);

        assertThat(sweepB.runIfDue()).isEmpty();

        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> sweepB.runIfDue().map(Sweep.Report::claimed).orElse(0) == 5);
        for (int i = 0; i < 5; i++) {
            assertThat(DirectoryStub.fetches("dead-" + i)).isEqualTo(1);
        }
    }

    @Test
    void aNodeStoppedMidSweepEndsItsRunAndTheNextRunSyncsWhatItLeft() {
        for (int i = 0; i < 10; i++) {
            signInStale("stop-" + i);
            DirectoryStub.answer(
                    "stop-" + i,
                    okJson(DirectoryStub.user("stop-" + i, "stop-" + i + "@example.com", true, "developer", "acme"))
                            .withFixedDelay(1500));
        }
        ConfigurableApplicationContext nodeC = startAnotherNode(clusterProperties());
        var thread = java.util.concurrent.Executors.newSingleThreadExecutor();
        var run = CompletableFuture.supplyAsync(nodeC.getBean(Sweep.class)::runIfDue, thread);
        await().atMost(Duration.ofSeconds(10)).until(() -> DirectoryStub.fetches() >= 1);

        // Stopped while it waits on the directory, with most of its batch still queued: those tasks never start,
        // and its run ends rather than waiting for them (whatever it reports: its database went with it).
        nodeC.close();
        await().atMost(Duration.ofSeconds(20)).until(run::isDone);

        // Its lease and claims lapse; the next run, on another node, syncs every user.
        for (int i = 0; i < 10; i++) {
            DirectoryStub.holds("stop-" + i, "stop-" + i + "@example.com", "developer", "acme");
        }
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    // As if an interval had passed: a run that came before the claims lapsed does not hold back the
                    // next.
                    jdbc.sql("UPDATE sync_jobs SET last_started_at = now() - interval '1 hour'")
                            .update();
                    sweepA.runIfDue();
                    return jdbc.sql("""
                                    SELECT count(*) FROM memberships m JOIN roles r ON r.id = m.role_id
                                    JOIN users u ON u.id = m.user_id
                                    WHERE r.slug = 'developer' AND u.email LIKE 'stop-%'""").query(Long.class).single() == 10;
                });
    }

    @Test
    void bothNodesTogetherStayWithinTheRateBudget() throws Exception {
        UpstreamBudget budgetB = nodeB.getBean(UpstreamBudget.class);
        int perNode = 50;
        long start = System.nanoTime();
        var threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        var onA = CompletableFuture.runAsync(() -> take(budgetA, perNode), threads);
        var onB = CompletableFuture.runAsync(() -> take(budgetB, perNode), threads);
        onA.get();
        onB.get();
        double seconds = (System.nanoTime() - start) / 1e9;

        // 100 permits at 20 a second fill five one-second windows at least, the first perhaps only its last moment:
        // more than three seconds, however the two nodes interleave.
        assertThat(seconds).isGreaterThan(3.0);
    }

    @Test
    void aRetryAfterSeenByOneNodePausesTheOthersBackgroundCalls() throws InterruptedException {
        UpstreamBudget budgetB = nodeB.getBean(UpstreamBudget.class);
        budgetA.pause(Duration.ofSeconds(3));
        // Node B may still spend the permits it holds for the current second; from the next one on, it waits.
        Thread.sleep(1100);

        long start = System.nanoTime();
        budgetB.acquire(UpstreamBudget.Priority.BACKGROUND);
        double waited = (System.nanoTime() - start) / 1e9;

        assertThat(waited).isGreaterThan(1.0);
        // Interactive calls never wait, pause or not.
        budgetA.pause(Duration.ofSeconds(2));
        long interactive = System.nanoTime();
        budgetB.acquire(UpstreamBudget.Priority.INTERACTIVE);
        assertThat((System.nanoTime() - interactive) / 1e9).isLessThan(1.5);
        jdbc.sql("UPDATE upstream_budget SET paused_until = NULL").update();
    }

    @Test
    void droppingAUsersCacheReachesEveryNode() {
        String access = signIn("cache-1", "cache-1@example.com", roles("viewer", "acme"))
                .path("access_token")
                .asString();
        String id = userId("cache-1@example.com");
        assertThat(b.get("/v1/me", access).json().path("first_name").isNull()).isTrue();
        // A change behind Roster's back (as a restore or manual SQL would make): node B keeps its cached view...
        jdbc.sql("UPDATE users SET first_name = 'Changed' WHERE id = CAST(:id AS uuid)")
                .param("id", id)
                .update();
        assertThat(b.get("/v1/me", access).json().path("first_name").isNull()).isTrue();

        assertThat(http.delete("/v1/users/" + id + "/cache", signInAsPlatformAdmin())
                        .status())
                .isEqualTo(204);

        await().atMost(Duration.ofSeconds(2))
                .until(() -> "Changed"
                        .equals(b.get("/v1/me", access)
                                .json()
                                .path("first_name")
                                .asString()));
    }

    private static void take(UpstreamBudget budget, int permits) {
        for (int i = 0; i < permits; i++) {
            budget.acquire(UpstreamBudget.Priority.BACKGROUND);
        }
    }
}
