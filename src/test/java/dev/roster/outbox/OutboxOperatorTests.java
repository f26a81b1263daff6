package dev.roster.outbox;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.roster.support.Http;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The operator's side of the outbox: listing events by state and target, replaying one dead event and all of them,
 * refusals, retention, and the backlog gauges.
 */
class OutboxOperatorTests extends OutboxTest {

    @Autowired
    OutboxHousekeeping housekeeping;

    String admin;

    @BeforeEach
    void anAdminAndNoEventsYet() {
        StubTarget.routes = List.of();
        admin = signInAsPlatformAdmin();
        StubTarget.routes = List.of("stub:a");
    }

    long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    JsonNode list(String query) {
        Http.Response listed = http.get("/v1/outbox" + query, admin);
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        return listed.json();
    }

    @Test
    void deadEventsAreListedAndReplayedOneByOneOrAllAtOnce() {
        receiver.stubFor(post(urlEqualTo("/a")).willReturn(aResponse().withStatus(410)));
        append("u-1", "first");
        append("u-2", "second");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> count("SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL") == 2);

        JsonNode dead = list("?state=dead&target=stub");
        assertThat(dead.path("total").asLong()).isEqualTo(2);
        JsonNode first = dead.path("items").get(0);
        assertThat(first.path("state").asString()).isEqualTo("dead");
        assertThat(first.path("event_type").asString()).isEqualTo("first");
        assertThat(first.path("last_error").asString()).isEqualTo("410 Gone");
        assertThat(first.path("attempts").asInt()).isEqualTo(1);
        assertThat(first.path("payload").path("n").asString()).isEqualTo("first");
        assertThat(list("?state=dead&target=stub:a").path("total").asLong()).isEqualTo(2);
        assertThat(list("?state=dead&target=webhook").path("total").asLong()).isZero();
        assertThat(list("").path("total").asLong()).isZero(); // pending by default

        receiver.stubFor(post(urlEqualTo("/a")).willReturn(aResponse().withStatus(200)));
        long id = first.path("id").asLong();
        Http.Response replayed = http.postJson("/v1/outbox/" + id + ":replay", admin, "", Map.of());
        assertThat(replayed.status()).as(replayed.body()).isEqualTo(200);
        assertThat(replayed.json().path("event").path("state").asString()).isEqualTo("pending");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> types(received("/a")).contains("first")
                        && count("SELECT count(*) FROM outbox WHERE delivered_at IS NOT NULL") == 1);
        assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'outbox.replayed' AND target = 'outbox:" + id
                        + "'"))
                .isEqualTo(1);

        Http.Response all = http.postJson("/v1/outbox:replay-dead", admin, "{\"target\":\"stub:a\"}", Map.of());
        assertThat(all.status()).as(all.body()).isEqualTo(200);
        assertThat(all.json().path("replayed").asLong()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> count("SELECT count(*) FROM outbox WHERE delivered_at IS NOT NULL") == 2);
        assertThat(http.postJson("/v1/outbox:replay-dead", admin, "", Map.of())
                        .json()
                        .path("replayed")
                        .asLong())
                .isZero();
    }

    @Test
    void replayingWhatIsPendingOrUnknownIsRefused() {
        receiver.stubFor(post(urlEqualTo("/a")).willReturn(aResponse().withStatus(503)));
        append("u-1", "waiting");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> count("SELECT count(*) FROM outbox WHERE attempts = 1") == 1);
        long id = list("?state=pending").path("items").get(0).path("id").asLong();

        assertProblem(http.postJson("/v1/outbox/" + id + ":replay", admin, "", Map.of()), 409, "outbox_event_pending");
        assertProblem(http.postJson("/v1/outbox/999999999:replay", admin, "", Map.of()), 404, "outbox_event_not_found");
        assertProblem(http.postJson("/v1/outbox/abc:replay", admin, "", Map.of()), 400, "invalid_parameter");
        assertProblem(http.get("/v1/outbox?state=lost", admin), 400, "invalid_parameter");
        assertProblem(http.postJson("/v1/outbox:replay-dead", admin, "{\"target\":7}", Map.of()), 400, "invalid_field");
    }

    @Test
    void deliveredEventsArePrunedAfterTheirRetentionAndTheBacklogIsMeasured() {
        receiver.stubFor(post(urlEqualTo("/a")).willReturn(aResponse().withStatus(200)));
        append("u-1", "old");
        append("u-1", "recent");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> count("SELECT count(*) FROM outbox WHERE delivered_at IS NOT NULL") == 2);
        jdbc.sql("UPDATE outbox SET delivered_at = now() - interval '8 days' WHERE event_type = 'old'")
                .update();

        assertThat(housekeeping.pruneDelivered()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM outbox")).isEqualTo(1);

        receiver.stubFor(post(urlEqualTo("/a")).willReturn(aResponse().withStatus(503)));
        append("u-2", "stuck");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> count("SELECT count(*) FROM outbox WHERE attempts = 1 AND delivered_at IS NULL") == 1);
        housekeeping.measure();
        String metrics = management.get("/actuator/prometheus", null).body();
        assertThat(metrics)
                .contains("roster_outbox_backlog{target=\"stub\"} 1.0")
                .contains("roster_outbox_oldest_pending_seconds{target=\"stub\"}")
                .contains("roster_outbox_deliveries_total{outcome=\"failed\",target=\"stub\"}")
                .contains("roster_outbox_delivery_latency_seconds_count");
    }

    static void assertProblem(Http.Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("code").asString()).as(response.body()).isEqualTo(code);
    }
}
