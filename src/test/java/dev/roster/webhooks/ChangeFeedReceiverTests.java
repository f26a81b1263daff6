package dev.roster.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import example.changefeed.ChangeFeedReceiver;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The receiver of docs/outbox.md ({@link ChangeFeedReceiver}) against a real Roster: it applies each event once and in
 * order per aggregate, counts an operator's replay as a duplicate, and refuses a delivery it cannot verify. (The
 * properties are those of WebhookDeliveryTests, so the two share a Roster.)
 */
@TestPropertySource(
        properties = {
            "roster.webhooks.allow-private-networks=true",
            "roster.webhooks.allow-http=true",
            "roster.outbox.schedule=0s,1h",
            "roster.outbox.jitter=0",
            "roster.outbox.poll-interval=100ms",
            "roster.webhooks.timeout=1s",
            "roster.webhooks.secret-overlap=4s"
        })
class ChangeFeedReceiverTests extends IntegrationTest {

    @Test
    void theExampleReceiverAppliesEachEventOnceInOrderAndRefusesForgeries() throws Exception {
        String admin = signInAsPlatformAdmin();
        signIn("feed-user", "feed-user@example.com");
        String user = userId("feed-user@example.com");
        int port = freePort();
        Http.Response subscribed = http.postJson(
                "/v1/webhook-subscriptions",
                admin,
                "{\"url\":\"http://127.0.0.1:" + port + "/roster\",\"event_types\":[\"membership.*\"]}",
                Map.of());
        assertThat(subscribed.status()).as(subscribed.body()).isEqualTo(201);

        try (var receiver =
                ChangeFeedReceiver.start(subscribed.json().path("secret").asString(), port)) {
            String tenant = createTenant(admin, "feed");
            assertThat(assign(admin, tenant, user, "developer").status()).isEqualTo(201);
            assertThat(assign(admin, tenant, user, "viewer").status()).isEqualTo(200);
            assertThat(http.delete("/v1/tenants/" + tenant + "/members/" + user, admin)
                            .status())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> receiver.applied().size() == 3);

            // An operator replays the first event: delivered again under the same webhook-id, applied once.
            long assigned = jdbc.sql("SELECT id FROM outbox WHERE event_type = 'membership.assigned'"
                            + " AND target LIKE 'webhook:%' AND payload ->> 'tenant_id' = :tenant")
                    .param("tenant", tenant)
                    .query(Long.class)
                    .single();
            assertThat(http.postJson("/v1/outbox/" + assigned + ":replay", admin, "", Map.of())
                            .status())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.duplicates() == 1);

            assertThat(forged(port).statusCode()).isEqualTo(401);
            assertThat(receiver.refused()).isEqualTo(1);
            assertThat(receiver.applied())
                    .extracting(ChangeFeedReceiver.Applied::type)
                    .containsExactly("membership.assigned", "membership.changed", "membership.revoked");
            assertThat(receiver.applied())
                    .extracting(ChangeFeedReceiver.Applied::aggregate)
                    .containsOnly("user:" + user);
            assertThat(receiver.applied())
                    .extracting(ChangeFeedReceiver.Applied::sequence)
                    .isSorted()
                    .doesNotHaveDuplicates();
        }
    }

    /** A delivery as an attacker would send it: well formed, signed with a secret that is not the subscription's. */
    private static HttpResponse<Void> forged(int port) throws Exception {
        String body =
                "{\"type\":\"membership.assigned\",\"aggregate\":{\"type\":\"user\",\"id\":\"x\"},\"sequence\":1}";
        long now = Instant.now().getEpochSecond();
        String signature =
                new com.standardwebhooks.Webhook("whsec_" + "A".repeat(43) + "=").sign("forged-1", now, body);
        try (var client = HttpClient.newHttpClient()) {
            return client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/roster"))
                            .header("webhook-id", "forged-1")
                            .header("webhook-timestamp", Long.toString(now))
                            .header("webhook-signature", signature)
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    private static int freePort() throws Exception {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
