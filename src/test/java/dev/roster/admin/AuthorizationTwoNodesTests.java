package dev.roster.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.roster.support.Http;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Revocations across two nodes on one PostgreSQL: the writing node refuses from the moment the revocation returns,
 * the other within 100 ms, and at once with the revocation's version as {@code min_version}, while checks run in
 * parallel on both.
 */
class AuthorizationTwoNodesTests extends AdminApiTest {

    static ConfigurableApplicationContext nodeB;
    static Http b;

    @BeforeAll
    static void startSecondNode() {
        nodeB = startAnotherNode(Map.of());
        b = httpOf(nodeB);
    }

    @AfterAll
    static void stopSecondNode() {
        nodeB.close();
    }

    String admin;
    String tenant;
    User alice;
    String body;

    @BeforeEach
    void aliceMayReadDocs() {
        admin = signInAsPlatformAdmin();
        tenant = createTenant(admin, "acme");
        alice = member(admin, tenant, "alice", "developer");
        body = "{\"tenant_id\":\"" + tenant + "\",\"permission\":\"docs:read\",\"resource\":\"docs/1\"}";
    }

    boolean allowed(Http node, String json) {
        Http.Response answer = node.postJson("/v1/authz/check", alice.token(), json, java.util.Map.of());
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json().path("allowed").asBoolean();
    }

    String grantDocs() {
        Http.Response created = postJson(
                "/v1/tenants/" + tenant + "/grants",
                admin,
                "{\"principal\":\"user:" + alice.id() + "\",\"permission\":\"docs:read\",\"selector\":\"docs/*\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().path("id").asString();
    }

    @Test
    void aRevokedGrantIsRefusedOnBothNodesWhileChecksRunInParallel() throws Exception {
        String grant = grantDocs();
        await().atMost(Duration.ofMillis(500)).until(() -> allowed(b, body));
        assertThat(allowed(http, body)).isTrue();

        record Seen(boolean onA, long startedAt, boolean allowed) {}
        var seen = new ConcurrentLinkedQueue<Seen>();
        var stop = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            var workers = new java.util.ArrayList<Future<?>>();
            for (int t = 0; t < 4; t++) {
                boolean onA = t % 2 == 0;
                workers.add(threads.submit(() -> {
                    while (!stop.get()) {
                        long start = System.nanoTime();
                        seen.add(new Seen(onA, start, allowed(onA ? http : b, body)));
                    }
                }));
            }
            Thread.sleep(50);
            Http.Response revoked = http.delete("/v1/tenants/" + tenant + "/grants/" + grant, admin);
            long returned = System.nanoTime();
            assertThat(revoked.status()).isEqualTo(200);
            long version = revoked.json().path("version").asLong();

            await().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(5))
                    .atMost(Duration.ofMillis(100))
                    .until(() -> !allowed(b, body));
            String fresh = body.replace("}", ",\"min_version\":" + version + "}");
            assertThat(allowed(b, fresh)).isFalse();
            Thread.sleep(50);
            stop.set(true);
            for (Future<?> worker : workers) {
                worker.get();
            }

            List<Seen> onAAfterTheRevoke = seen.stream()
                    .filter(s -> s.onA() && s.startedAt() > returned)
                    .toList();
            assertThat(onAAfterTheRevoke).isNotEmpty().noneMatch(Seen::allowed);
            assertThat(seen).anyMatch(Seen::allowed); // the checks did race the revocation
        } finally {
            stop.set(true);
            threads.shutdownNow();
        }
    }

    @Test
    void aRevokedMembershipIsRefusedOnTheOtherNodeWithin100Ms() {
        grantDocs();
        await().atMost(Duration.ofMillis(500)).until(() -> allowed(b, body));

        Http.Response revoked = http.delete("/v1/tenants/" + tenant + "/members/" + alice.id(), admin);
        assertThat(revoked.status()).isEqualTo(200);

        assertThat(allowed(http, body)).isFalse();
        await().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5))
                .atMost(Duration.ofMillis(100))
                .until(() -> !allowed(b, body));
    }
}
