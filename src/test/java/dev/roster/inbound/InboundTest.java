package dev.roster.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.standardwebhooks.Webhook;
import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.test.context.TestPropertySource;

/**
 * A directory's side of the inbound webhooks: a source named {@code directory} (created before each test), events
 * signed with its secret by the Standard Webhooks reference library, and their outcomes as Roster records them.
 */
@TestPropertySource(
        properties = {"roster.outbox.schedule=0s,1s", "roster.outbox.jitter=0", "roster.outbox.poll-interval=100ms"})
abstract class InboundTest extends IntegrationTest {

    protected String admin;
    protected String secret;

    @BeforeEach
    void aSource() {
        admin = signInAsPlatformAdmin();
        Http.Response created = http.postJson("/v1/webhook-sources", admin, "{\"name\":\"directory\"}", Map.of());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        secret = created.json().path("secret").asString();
        assertThat(secret).startsWith("whsec_");
    }

    protected Http.Response send(String id, String type, Instant occurred, String data) throws Exception {
        return sendRaw(id, event(type, occurred, data));
    }

    protected Http.Response sendRaw(String id, String body) throws Exception {
        long now = Instant.now().getEpochSecond();
        return post("directory", id, now, signature(secret, id, now, body), body);
    }

    protected Http.Response post(
            String source, @Nullable String id, @Nullable Long timestamp, @Nullable String signature, String body) {
        HttpRequest.Builder request = http.request("/v1/webhook-sources/" + source + "/events", null)
                .header("Content-Type", "application/json");
        if (id != null) {
            request.header("webhook-id", id);
        }
        if (timestamp != null) {
            request.header("webhook-timestamp", Long.toString(timestamp));
        }
        if (signature != null) {
            request.header("webhook-signature", signature);
        }
        return http.send(request.POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    protected static String signature(String secret, String id, long timestamp, String body) throws Exception {
        return new Webhook(secret).sign(id, timestamp, body);
    }

    protected static String event(String type, Instant occurred, String data) {
        return "{\"type\":\"" + type + "\",\"timestamp\":\"" + occurred + "\",\"data\":" + data + "}";
    }

    protected static String user(String id, String email, String firstName) {
        return "{\"id\":\"" + id + "\",\"email\":\"" + email + "\",\"first_name\":\"" + firstName + "\"}";
    }

    protected static String membership(String user, String tenant, String role) {
        return "{\"user_id\":\"" + user + "\",\"role\":\"" + role + "\",\"on\":{\"tenant\":\"" + tenant
                + "\",\"name\":\"" + tenant + "\"}}";
    }

    protected void assertRefused(Http.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(401);
        assertThat(response.json().path("code").asString()).isEqualTo("invalid_signature");
    }

    protected void awaitOutcome(String eventId, String outcome) {
        await().atMost(Duration.ofSeconds(15))
                .until(() -> outcome.equals(
                        jdbc.sql("SELECT coalesce(outcome, 'pending') FROM inbound_events" + " WHERE event_id = :id")
                                .param("id", eventId)
                                .query(String.class)
                                .optional()
                                .orElse(null)));
    }

    protected String outcome(String eventId) {
        return jdbc.sql("SELECT coalesce(outcome, 'pending') FROM inbound_events WHERE event_id = :id")
                .param("id", eventId)
                .query(String.class)
                .single();
    }

    protected boolean active(String email) {
        return jdbc.sql("SELECT is_active FROM users WHERE email = :e")
                .param("e", email)
                .query(Boolean.class)
                .single();
    }
}
