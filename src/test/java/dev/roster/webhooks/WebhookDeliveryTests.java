package dev.roster.webhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.standardwebhooks.Webhook;
import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The change feed end to end: a subscription made through the API receives Roster's changes as Standard Webhooks,
 * verified here with the Standard Webhooks reference library (also while a secret rotates), filtered by event type;
 * {@code 410} disables the subscription, a redirect is a failure, {@code :test} sends a test event. (Loopback and
 * plain http are allowed here so that WireMock can receive; the policy itself: WebhookSubscriptionAdminTests.)
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
class WebhookDeliveryTests extends IntegrationTest {

    static final WireMockServer subscriber = new WireMockServer(options().dynamicPort());
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static {
        subscriber.start();
        Runtime.getRuntime().addShutdownHook(new Thread(subscriber::stop));
    }

    String admin;

    @BeforeEach
    void aSubscriber() {
        subscriber.resetAll();
        subscriber.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(204)));
        admin = signInAsPlatformAdmin();
    }

    JsonNode subscribe(String path, String eventTypes) {
        Http.Response created = http.postJson(
                "/v1/webhook-subscriptions",
                admin,
                "{\"url\":\"" + subscriber.baseUrl() + path + "\",\"event_types\":" + eventTypes + "}",
                Map.of());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    static List<LoggedRequest> received(String path) {
        return subscriber.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo(path)));
    }

    static Map<String, List<String>> headers(LoggedRequest request) {
        var headers = new TreeMap<String, List<String>>(String.CASE_INSENSITIVE_ORDER);
        for (String name : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
            headers.put(name, List.of(request.getHeader(name)));
        }
        return headers;
    }

    @Test
    void aSubscriberReceivesTheEventsItAskedForSignedAsStandardWebhooks() throws Exception {
        String secret = subscribe("/tenants", "[\"tenant.*\"]").path("secret").asString();

        String tenant = createTenant(admin, "acme");
        assign(admin, tenant, userId(dev.roster.support.TestInfrastructure.ADMIN_EMAIL), "viewer");

        await().atMost(Duration.ofSeconds(10)).until(() -> received("/tenants").size() == 1);
        LoggedRequest request = received("/tenants").getFirst();
        // The reference library accepts the signature (and would throw on any other body, id or timestamp).
        new Webhook(secret).verify(request.getBodyAsString(), headers(request));
        JsonNode body = JSON.readTree(request.getBodyAsString());
        assertThat(body.path("type").asString()).isEqualTo("tenant.created");
        assertThat(body.path("data").path("id").asString()).isEqualTo(tenant);
        assertThat(body.path("data").path("slug").asString()).isEqualTo("acme");
        assertThat(body.path("aggregate").path("id").asString()).isEqualTo(tenant);
        assertThat(body.path("sequence").asLong()).isPositive();
        assertThat(Instant.parse(body.path("timestamp").asString()))
                .isBefore(Instant.now().plusSeconds(1));
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        // Another secret does not verify.
        String other = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
        assertThatThrownBy(() -> new Webhook(other).verify(request.getBodyAsString(), headers(request)))
                .isInstanceOf(com.standardwebhooks.exceptions.WebhookVerificationException.class);
        // The membership change was not asked for.
        Thread.sleep(500);
        assertThat(received("/tenants")).hasSize(1);
    }

    @Test
    void whileASecretRotatesEventsAreSignedWithBothSecrets() throws Exception {
        JsonNode subscription = subscribe("/rotating", "[]");
        String old = subscription.path("secret").asString();
        Instant rotated = Instant.now();
        String fresh = http.postJson(
                        "/v1/webhook-subscriptions/" + subscription.path("id").asString() + "/secret:rotate",
                        admin,
                        "",
                        Map.of())
                .json()
                .path("secret")
                .asString();

        createTenant(admin, "globex");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !received("/rotating").isEmpty());
        LoggedRequest request = received("/rotating").getFirst();
        assertThat(request.getHeader("webhook-signature").split(" ")).hasSize(2);
        new Webhook(old).verify(request.getBodyAsString(), headers(request));
        new Webhook(fresh).verify(request.getBodyAsString(), headers(request));

        // The overlap (4 s here) ends: nothing changed the subscription, so its deliveries still have it cached.
        Thread.sleep(Math.max(
                0, Duration.between(Instant.now(), rotated.plusSeconds(5)).toMillis()));
        createTenant(admin, "globex-after-overlap");

        await().atMost(Duration.ofSeconds(10)).until(() -> received("/rotating").size() == 2);
        LoggedRequest after = received("/rotating").stream()
                .filter(r -> r.getBodyAsString().contains("globex-after-overlap"))
                .findFirst()
                .orElseThrow();
        assertThat(after.getHeader("webhook-signature").split(" ")).hasSize(1);
        new Webhook(fresh).verify(after.getBodyAsString(), headers(after));
    }

    @Test
    void goneDisablesTheSubscriptionAndARedirectIsAFailure() {
        subscriber.stubFor(post(urlEqualTo("/gone")).willReturn(aResponse().withStatus(410)));
        subscriber.stubFor(post(urlEqualTo("/moved"))
                .willReturn(aResponse().withStatus(301).withHeader("Location", "http://127.0.0.1:9/")));
        String gone = subscribe("/gone", "[\"tenant.created\"]").path("id").asString();
        subscribe("/moved", "[\"tenant.created\"]");

        createTenant(admin, "initech");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !http.get("/v1/webhook-subscriptions/" + gone, admin)
                        .json()
                        .path("enabled")
                        .asBoolean());
        JsonNode disabled = http.get("/v1/webhook-subscriptions/" + gone, admin).json();
        assertThat(disabled.path("disabled_reason").asString()).contains("410");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.sql("SELECT count(*) FROM outbox WHERE last_error LIKE '%redirects%'")
                                .query(Long.class)
                                .single()
                        == 1);
        assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE target = 'webhook:" + gone + "' AND dead_at IS NOT NULL")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);

        // Disabled, it is no longer written for.
        createTenant(admin, "umbrella");
        assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE target = 'webhook:" + gone + "'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void aSubscriberThatTricklesItsAnswerRunsIntoTheDeadline() {
        // 200 at once, then the body a byte at a time for 3 s: the 1 s deadline covers the whole exchange.
        subscriber.stubFor(post(urlEqualTo("/slow"))
                .willReturn(aResponse().withStatus(200).withBody("x".repeat(30)).withChunkedDribbleDelay(30, 3_000)));
        subscribe("/slow", "[\"tenant.created\"]");

        createTenant(admin, "trickle");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.sql("SELECT count(*) FROM outbox WHERE last_error LIKE 'timeout%'")
                                .query(Long.class)
                                .single()
                        == 1);
        assertThat(jdbc.sql(
                                "SELECT count(*) FROM outbox WHERE delivered_at IS NOT NULL AND event_type = 'tenant.created'")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void aGrantsSyncStateSaysWhetherItsSubscribersHaveIt() {
        String tenant = createTenant(admin, "sync-state");
        String before = http.postJson(
                        "/v1/tenants/" + tenant + "/grants",
                        admin,
                        "{\"principal\":\"role:global:00000000-0000-0000-0000-000000000105\",\"permission\":\"docs:read\"}",
                        Map.of())
                .json()
                .path("id")
                .asString();
        subscribe("/grants", "[\"grant.*\"]");
        http.postJson(
                "/v1/tenants/" + tenant + "/grants",
                admin,
                "{\"principal\":\"role:global:00000000-0000-0000-0000-000000000104\",\"permission\":\"docs:read\"}",
                Map.of());

        await().atMost(Duration.ofSeconds(10)).until(() -> received("/grants").size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            JsonNode items =
                    http.get("/v1/tenants/" + tenant + "/grants", admin).json().path("items");
            int synced = 0;
            for (JsonNode grant : items) {
                if (grant.path("id").asString().equals(before)) {
                    assertThat(grant.path("sync_state").isNull()).isTrue(); // no subscriber had to hear of it
                } else if ("synced".equals(grant.path("sync_state").asString())) {
                    synced++;
                }
            }
            return synced == 1;
        });
    }

    @Test
    void aTestEventGoesToThatSubscriptionAlone() {
        String id = subscribe("/tested", "[\"tenant.created\"]").path("id").asString();
        subscribe("/bystander", "[]");

        Http.Response queued = http.postJson("/v1/webhook-subscriptions/" + id + ":test", admin, "", Map.of());

        assertThat(queued.status()).as(queued.body()).isEqualTo(202);
        String testId = queued.json().path("test_id").asString();
        await().atMost(Duration.ofSeconds(10)).until(() -> received("/tested").size() == 1);
        JsonNode body = JSON.readTree(received("/tested").getFirst().getBodyAsString());
        assertThat(body.path("type").asString()).isEqualTo("webhook.test");
        assertThat(body.path("data").path("test_id").asString()).isEqualTo(testId);
        assertThat(received("/bystander")).isEmpty();
    }
}
