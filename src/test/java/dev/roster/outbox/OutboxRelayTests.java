package dev.roster.outbox;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.roster.RosterApplication;
import dev.roster.support.Http;
import dev.roster.support.TestInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import tools.jackson.databind.JsonNode;

/**
 * The outbox and its relay against a WireMock receiver: events exist iff their transaction commits, arrive in commit
 * order per (target, aggregate) whatever the retries, one failing target holds up no other, the schedule (on a clock
 * the test moves) ends in dead, {@code Retry-After} and {@code 410} are honoured, a lapsed claim is taken over, and
 * two nodes draining one outbox deliver each event once.
 */
class OutboxRelayTests extends OutboxTest {

    @Test
    void anAdminWriteCarriesItsEventAndAFailedOrRolledBackOneNone() {
        String admin = signInAsPlatformAdmin();
        String tenant = createTenant(admin, "acme");

        await().atMost(Duration.ofSeconds(10)).until(() -> types(received("/a")).contains("tenant.created"));
        // The admin's sign-in made them a platform admin first (membership.assigned in the root tenant).
        assertThat(types(received("/a"))).containsExactly("membership.assigned", "tenant.created");
        JsonNode created = received("/a").getLast();
        assertThat(created.path("aggregate").asString()).isEqualTo("tenant:" + tenant);
        assertThat(created.path("payload").path("slug").asString()).isEqualTo("acme");
        assertThat(receiver.getAllServeEvents().getFirst().getRequest().getHeader("Idempotency-Key"))
                .isEqualTo(created.path("id").asString());

        // Refused writes and rolled-back transactions leave no event.
        assertThat(http.putJson("/v1/tenants/" + tenant + "/members/" + UUID.randomUUID(), admin, "{\"role\":\"nope\"}")
                        .status())
                .isEqualTo(400);
        tx.executeWithoutResult(s -> {
            outbox.append(Outbox.USER, "u-1", "membership.assigned", Map.of(), Origin.LOCAL);
            s.setRollbackOnly();
        });
        assertThat(jdbc.sql("SELECT count(*) FROM outbox").query(Long.class).single())
                .isEqualTo(2);
        // Without a target that wants it, nothing is written at all.
        StubTarget.routes = List.of();
        createTenant(admin, "globex");
        assertThat(jdbc.sql("SELECT count(*) FROM outbox").query(Long.class).single())
                .isEqualTo(2);
    }

    @Test
    void anEventsSequenceIsTheVersionItsChangeAnswered() {
        String admin = signInAsPlatformAdmin();
        signIn("sequence-user", "sequence-user@example.com");
        String user = userId("sequence-user@example.com");
        String tenant = createTenant(admin, "sequence");

        // The version drawn at commit, in the statement that writes the event (a membership change) ...
        Http.Response assigned = assign(admin, tenant, user, "developer");
        // ... and drawn earlier, to stamp the row (a grant).
        Http.Response granted = http.postJson(
                "/v1/tenants/" + tenant + "/grants",
                admin,
                "{\"principal\":\"user:" + user + "\",\"permission\":\"docs:read\"}",
                Map.of());

        assertThat(assigned.status()).as(assigned.body()).isEqualTo(201);
        assertThat(granted.status()).as(granted.body()).isEqualTo(201);
        assertThat(sequenceOf("membership.assigned", tenant))
                .isEqualTo(assigned.json().path("version").asLong());
        assertThat(sequenceOf("grant.created", tenant))
                .isEqualTo(granted.json().path("version").asLong());
    }

    private long sequenceOf(String type, String tenant) {
        return jdbc.sql(
                        "SELECT DISTINCT sequence FROM outbox WHERE event_type = :t AND payload ->> 'tenant_id' = :tenant")
                .param("t", type)
                .param("tenant", tenant)
                .query(Long.class)
                .single();
    }

    @Test
    void eventsQueuedBehindAFailedOneAreNotDueBeforeIt() {
        receiver.stubFor(post(urlEqualTo("/a")).willReturn(aResponse().withStatus(503)));

        append("u-1", "head");
        await().atMost(Duration.ofSeconds(10)).until(() -> (int) row("head").get("attempts") == 1);
        append("u-1", "queued");
        append("u-2", "elsewhere");

        // The head is due again in 2 s (the schedule); what waits behind it is not due before, so claims skip it,
        // while another aggregate's event goes at once.
        Instant retry = instant(row("head").get("next_attempt_at"));
        assertThat(instant(row("queued").get("next_attempt_at"))).isEqualTo(retry);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> (int) row("elsewhere").get("attempts") == 1);

        clock.advance(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> (int) row("head").get("attempts") == 2);
        // A second failure (the schedule's last wait, 1 h) takes the queue along.
        Instant later = instant(row("head").get("next_attempt_at"));
        assertThat(later).isAfter(retry.plus(Duration.ofMinutes(59)));
        assertThat(instant(row("queued").get("next_attempt_at"))).isEqualTo(later);
    }

    @Test
    void oneAggregatesEventsArriveInCommitOrderAcrossRetries() {
        receiver.stubFor(post(urlEqualTo("/a"))
                .inScenario("first fails")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503))
                .willSetStateTo("recovered"));
        receiver.stubFor(post(urlEqualTo("/a"))
                .inScenario("first fails")
                .whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(200)));

        append("u-1", "first");
        await().atMost(Duration.ofSeconds(10)).until(() -> received("/a").size() == 1);
        append("u-1", "second");
        append("u-1", "third");
        append("u-2", "other");
        // The other user's event is not held up by u-1's failed one.
        await().atMost(Duration.ofSeconds(10)).until(() -> types(received("/a")).contains("other"));
        assertThat(types(received("/a"))).doesNotContain("second", "third");

        clock.advance(Duration.ofSeconds(2));

        await().atMost(Duration.ofSeconds(10)).until(() -> received("/a").size() == 5);
        List<String> ofU1 = received("/a").stream()
                .filter(e -> e.path("aggregate").asString().equals("user:u-1"))
                .map(e -> e.path("type").asString() + "#" + e.path("attempt").asInt())
                .toList();
        assertThat(ofU1).containsExactly("first#1", "first#2", "second#1", "third#1");
        List<Long> sequences = received("/a").stream()
                .filter(e -> e.path("aggregate").asString().equals("user:u-1"))
                .map(e -> e.path("sequence").asLong())
                .distinct()
                .toList();
        assertThat(sequences).isSorted().hasSize(3);
    }

    @Test
    void afterALongOutageEverythingArrivesInOrder() {
        receiver.stubFor(post(urlEqualTo("/a")).willReturn(aResponse().withStatus(503)));
        append("u-1", "one");
        append("u-2", "two");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> (int) row("one").get("attempts") == 1
                        && (int) row("two").get("attempts") == 1);
        append("u-1", "three");
        append("u-2", "four");
        append("u-1", "five");
        clock.advance(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> (int) row("one").get("attempts") == 2
                        && (int) row("two").get("attempts") == 2);

        // An hour later the target is back: everything goes, each user's events in the order they were written.
        receiver.resetAll();
        receiver.stubFor(post(urlEqualTo("/a")).willReturn(aResponse().withStatus(204)));
        clock.advance(Duration.ofHours(1));

        await().atMost(Duration.ofSeconds(10)).until(() -> received("/a").size() == 5);
        List<String> arrived = types(received("/a"));
        assertThat(arrived.stream().filter(List.of("one", "three", "five")::contains))
                .containsExactly("one", "three", "five");
        assertThat(arrived.stream().filter(List.of("two", "four")::contains)).containsExactly("two", "four");
        assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE delivered_at IS NULL")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void aFailingTargetHoldsUpNoOther() {
        StubTarget.routes = List.of("stub:down", "stub:up");
        receiver.stubFor(post(urlEqualTo("/down")).willReturn(aResponse().withStatus(500)));

        append("u-1", "one");
        append("u-1", "two");
        append("u-1", "three");

        await().atMost(Duration.ofSeconds(10)).until(() -> received("/up").size() == 3);
        assertThat(types(received("/up"))).containsExactly("one", "two", "three");
        // The dead endpoint got the first event once, and holds the rest of its own queue back.
        assertThat(types(received("/down"))).containsExactly("one");
    }

    @Test
    void theScheduleRunsOutIntoDeadWithTheLastErrorKept() {
        receiver.stubFor(post(urlEqualTo("/a")).willReturn(aResponse().withStatus(502)));
        Instant start = clock.instant();

        append("u-1", "doomed");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> ((Number) row("doomed").get("attempts")).intValue() == 1);
        Map<String, Object> afterFirst = row("doomed");
        assertThat(afterFirst.get("last_error")).isEqualTo("HTTP 502");
        assertThat(instant(afterFirst.get("next_attempt_at")))
                .isBetween(start.plusSeconds(2), clock.instant().plusSeconds(2).plusMillis(1));
        assertThat(afterFirst.get("claimed_until")).isNull();

        clock.advance(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ((Number) row("doomed").get("attempts")).intValue() == 2);
        assertThat(instant(row("doomed").get("next_attempt_at")))
                .isAfter(clock.instant().plus(Duration.ofMinutes(59)));
        assertThat(row("doomed").get("dead_at")).isNull();

        clock.advance(Duration.ofHours(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> row("doomed").get("dead_at") != null);
        assertThat(((Number) row("doomed").get("attempts")).intValue()).isEqualTo(3);
        assertThat(received("/a")).hasSize(3);

        // Dead, it no longer holds up the user's next event.
        receiver.stubFor(post(urlEqualTo("/a")).willReturn(aResponse().withStatus(200)));
        append("u-1", "next");
        await().atMost(Duration.ofSeconds(10)).until(() -> types(received("/a")).contains("next"));
    }

    @Test
    void retryAfterPostponesBeyondTheSchedule() {
        receiver.stubFor(
                post(urlEqualTo("/a")).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "120")));

        append("u-1", "throttled");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> ((Number) row("throttled").get("attempts")).intValue() == 1);
        assertThat(instant(row("throttled").get("next_attempt_at")))
                .isAfter(clock.instant().plusSeconds(110));
        clock.advance(Duration.ofSeconds(5)); // past the schedule's 2 s, not past Retry-After
        pause();
        assertThat(received("/a")).hasSize(1);
    }

    @Test
    void aGoneTargetKillsTheEventAtOnce() {
        receiver.stubFor(post(urlEqualTo("/a")).willReturn(aResponse().withStatus(410)));

        append("u-1", "gone");

        await().atMost(Duration.ofSeconds(10)).until(() -> row("gone").get("dead_at") != null);
        assertThat(((Number) row("gone").get("attempts")).intValue()).isEqualTo(1);
        assertThat(row("gone").get("last_error")).isEqualTo("410 Gone");
    }

    @Test
    void anEventClaimedByANodeThatDiedIsDeliveredOnceTheClaimLapses() {
        // Claimed by a node that died before delivering it: its claim runs for 30 more seconds.
        jdbc.sql("""
                        INSERT INTO outbox (event_id, target, aggregate_type, aggregate_id, sequence, event_type, payload,
                                            origin, created_at, next_attempt_at, claimed_until)
                        VALUES (gen_random_uuid(), 'stub:a', 'user', 'u-1', 1, 'orphaned', '{}', 'local', now(), now(),
                                now() + interval '30 seconds')
                        """).update();
        pause();
        assertThat(received("/a")).isEmpty();

        clock.advance(Duration.ofSeconds(31));

        await().atMost(Duration.ofSeconds(10)).until(() -> types(received("/a")).contains("orphaned"));
    }

    @Test
    void twoNodesDrainingOneOutboxDeliverEveryEventOnceInOrder() {
        var properties = new HashMap<String, Object>(TestInfrastructure.rosterProperties());
        properties.put("ROSTER_PORT", "0");
        properties.put("roster.outbox.poll-interval", "100ms");
        properties.put("roster.outbox.jitter", "0");
        try (var nodeB = new SpringApplicationBuilder(RosterApplication.class, OutboxTest.StubTargets.class)
                .properties(properties)
                .run()) {
            int users = 20;
            int perUser = 10;
            for (int i = 0; i < perUser; i++) {
                for (int u = 0; u < users; u++) {
                    append("u-" + u, "e" + i);
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> received("/a").size() >= users * perUser);
            pause();
            List<JsonNode> all = received("/a");
            assertThat(all).hasSize(users * perUser);
            assertThat(all.stream().map(e -> e.path("id").asString()).distinct())
                    .hasSize(users * perUser);
            var byUser = new LinkedHashMap<String, List<String>>();
            all.forEach(e -> byUser.computeIfAbsent(e.path("aggregate").asString(), k -> new ArrayList<>())
                    .add(e.path("type").asString()));
            var expected = new ArrayList<String>();
            for (int i = 0; i < perUser; i++) {
                expected.add("e" + i);
            }
            byUser.values().forEach(seen -> assertThat(seen).containsExactlyElementsOf(expected));
            assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE delivered_at IS NULL")
                            .query(Long.class)
                            .single())
                    .isZero();
        }
    }
}
