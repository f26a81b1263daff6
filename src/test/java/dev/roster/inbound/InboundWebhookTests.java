package dev.roster.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A directory pushing its changes: signed Standard Webhooks to {@code POST /v1/webhook-sources/{name}/events}, each
 * recorded once and applied through the sync operations, in order per user, retried when refused, dead when it never
 * applies. Signatures are made with the Standard Webhooks reference library, as a directory would.
 */
class InboundWebhookTests extends InboundTest {

    @Test
    void onlyASignedFreshUntamperedEventIsRecorded() throws Exception {
        String body = event("user.updated", Instant.now(), user("u-1", "one@example.com", "One"));
        long now = Instant.now().getEpochSecond();

        assertThat(post("directory", "e-1", now, signature(secret, "e-1", now, body), body)
                        .status())
                .isEqualTo(202);

        // Each header missing, a stale or future timestamp, another secret, a tampered body, an unknown source.
        assertRefused(post("directory", null, now, signature(secret, "e-2", now, body), body));
        assertRefused(post("directory", "e-2", null, signature(secret, "e-2", now, body), body));
        assertRefused(post("directory", "e-2", now, null, body));
        long stale = now - 600;
        assertRefused(post("directory", "e-2", stale, signature(secret, "e-2", stale, body), body));
        long future = now + 600;
        assertRefused(post("directory", "e-2", future, signature(secret, "e-2", future, body), body));
        String other = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
        assertRefused(post("directory", "e-2", now, signature(other, "e-2", now, body), body));
        assertRefused(post("directory", "e-2", now, signature(secret, "e-2", now, body), body.replace("One", "Eve")));
        assertRefused(post("elsewhere", "e-2", now, signature(secret, "e-2", now, body), body));

        assertThat(jdbc.sql("SELECT event_id FROM inbound_events")
                        .query(String.class)
                        .list())
                .containsExactly("e-1");
    }

    @Test
    void aRedeliveryIsANoOpAndTheEventIsAppliedOnce() throws Exception {
        Http.Response first = send("e-1", "user.created", Instant.now(), user("u-1", "one@example.com", "One"));
        Http.Response again = send("e-1", "user.created", Instant.now(), user("u-1", "one@example.com", "One"));

        assertThat(first.status()).as(first.body()).isEqualTo(202);
        assertThat(first.json().path("status").asString()).isEqualTo("accepted");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("status").asString()).isEqualTo("duplicate");
        awaitOutcome("e-1", "applied");
        assertThat(jdbc.sql("SELECT count(*) FROM inbound_events")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE action = 'user.provisioned'"
                                + " AND after ->> 'email' = 'one@example.com'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT first_name FROM users WHERE email = 'one@example.com'")
                        .query(String.class)
                        .single())
                .isEqualTo("One");
    }

    @Test
    void aUserTheirMembershipsAndTheirDeparture() throws Exception {
        Instant t = Instant.now().minusSeconds(60);
        send("e-1", "user.created", t, user("u-1", "one@example.com", "One"));
        send("e-2", "membership.created", t.plusSeconds(1), membership("u-1", "acme", "developer"));
        send("e-3", "membership.updated", t.plusSeconds(2), membership("u-1", "acme", "operator"));
        send("e-4", "membership.created", t.plusSeconds(3), membership("u-1", "globex", "viewer"));
        send("e-5", "membership.deleted", t.plusSeconds(4), "{\"user_id\":\"u-1\",\"on\":{\"tenant\":\"globex\"}}");
        awaitOutcome("e-5", "applied");

        String user = userId("one@example.com");
        assertThat(jdbc.sql("SELECT t.external_id || ':' || r.slug || ':' || m.source FROM memberships m"
                                + " JOIN tenants t ON t.id = m.tenant_id JOIN roles r ON r.id = m.role_id"
                                + " WHERE m.user_id = CAST(:u AS uuid)")
                        .param("u", user)
                        .query(String.class)
                        .list())
                .containsExactly("acme:operator:upstream");

        send("e-6", "user.deleted", t.plusSeconds(5), "{\"id\":\"u-1\"}");
        awaitOutcome("e-6", "applied");
        assertThat(active("one@example.com")).isFalse();

        // A late duplicate of the creation, under another id and older than the deletion: recorded, skipped.
        send("e-7", "user.created", t.plusSeconds(1), user("u-1", "one@example.com", "One"));
        awaitOutcome("e-7", "stale");
        assertThat(active("one@example.com")).isFalse();

        // The directory creates the user again, later: they come back.
        send("e-8", "user.created", t.plusSeconds(10), user("u-1", "one@example.com", "One"));
        awaitOutcome("e-8", "applied");
        assertThat(active("one@example.com")).isTrue();
    }

    @Test
    void concurrentDeliveriesAreRecordedOnceEachAndAnsweredEachAsWhatTheyAre() throws Exception {
        // Twenty events, each delivered twice at the same moment: batched together, each answered on its own.
        Instant t = Instant.now().minusSeconds(60);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(40);
        var start = new java.util.concurrent.CountDownLatch(1);
        var answers = new java.util.ArrayList<java.util.concurrent.Future<Http.Response>>();
        try {
            for (int i = 0; i < 40; i++) {
                int n = i % 20;
                answers.add(pool.submit(() -> {
                    start.await();
                    return send("c-" + n, "user.created", t, user("c" + n, "c" + n + "@example.com", "C" + n));
                }));
            }
            start.countDown();
            var statuses = new java.util.ArrayList<Integer>();
            for (var answer : answers) {
                statuses.add(
                        answer.get(30, java.util.concurrent.TimeUnit.SECONDS).status());
            }
            assertThat(statuses).filteredOn(s -> s == 202).hasSize(20);
            assertThat(statuses).filteredOn(s -> s == 200).hasSize(20);
        } finally {
            pool.shutdownNow();
        }
        assertThat(jdbc.sql("SELECT count(DISTINCT event_id) || '/' || count(*) FROM inbound_events")
                        .query(String.class)
                        .single())
                .isEqualTo("20/20");
        for (int n = 0; n < 20; n++) {
            awaitOutcome("c-" + n, "applied");
        }
        assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE target = 'inbound'")
                        .query(Long.class)
                        .single())
                .isEqualTo(20);
    }

    @Autowired
    InboundRecorder recorder;

    @Test
    void aNodeShuttingDownRefusesDeliveriesItCannotRecordAndRecordsNothing() throws Exception {
        recorder.stop();
        try {
            Http.Response refused = send("e-1", "user.created", Instant.now(), user("u-1", "one@example.com", "One"));

            assertThat(refused.status()).as(refused.body()).isEqualTo(503);
            assertThat(refused.json().path("code").asString()).isEqualTo("busy");
        } finally {
            recorder.start();
        }
        assertThat(jdbc.sql("SELECT count(*) FROM inbound_events")
                        .query(Long.class)
                        .single())
                .isZero();
        // The directory's retry, once the node takes deliveries again, is recorded as new.
        assertThat(send("e-1", "user.created", Instant.now(), user("u-1", "one@example.com", "One"))
                        .status())
                .isEqualTo(202);
    }

    @Test
    void anOlderUpdateArrivingLateDoesNotOverwriteANewerOne() throws Exception {
        Instant t = Instant.now().minusSeconds(60);
        send("e-1", "user.created", t, user("u-1", "one@example.com", "One"));
        send("e-3", "user.updated", t.plusSeconds(20), user("u-1", "one@example.com", "Newer"));
        send("e-2", "user.updated", t.plusSeconds(10), user("u-1", "one@example.com", "Older"));

        awaitOutcome("e-2", "stale");
        assertThat(jdbc.sql("SELECT first_name FROM users WHERE email = 'one@example.com'")
                        .query(String.class)
                        .single())
                .isEqualTo("Newer");
    }

    @Test
    void aMembershipBeforeItsUserIsRefusedThenAppliedWhenTheUserArrives() throws Exception {
        send("e-1", "membership.created", Instant.now().minusSeconds(30), membership("u-9", "acme", "developer"));
        awaitOutcome("e-1", "refused");
        assertThat(http.get("/v1/webhook-sources/directory/events?outcome=refused", admin)
                        .json()
                        .path("items")
                        .get(0)
                        .path("detail")
                        .asString())
                .contains("no user 'u-9'");

        // The user's own event, stamped earlier than the membership: another fact, so not stale; the membership
        // follows.
        send("e-2", "user.created", Instant.now().minusSeconds(60), user("u-9", "nine@example.com", "Nine"));
        awaitOutcome("e-2", "applied");
        awaitOutcome("e-1", "applied");
        assertThat(jdbc.sql("SELECT count(*) FROM memberships WHERE user_id = CAST(:u AS uuid)")
                        .param("u", userId("nine@example.com"))
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void aRefusedEventHoldsNothingUpAndAnOperatorReplaysIt() throws Exception {
        Instant t = Instant.now().minusSeconds(60);
        send("e-1", "user.created", t, user("u-1", "one@example.com", "One"));
        send("e-2", "membership.created", t.plusSeconds(1), membership("u-1", "acme", "pilot")); // no such role
        send("e-3", "user.deleted", t.plusSeconds(2), "{\"id\":\"u-1\"}");

        awaitOutcome("e-3", "applied"); // the departure is not held up behind the refused membership
        assertThat(outcome("e-2")).isEqualTo("refused");
        assertThat(active("one@example.com")).isFalse();

        // Another user, whose membership came before they signed in (no user.created): replayed by an operator.
        send("e-4", "membership.created", t, membership("seven", "acme", "developer"));
        awaitOutcome("e-4", "refused");
        signIn("seven", "seven@example.com");
        long id = jdbc.sql("SELECT id FROM inbound_events WHERE event_id = 'e-4'")
                .query(Long.class)
                .single();
        Http.Response replayed =
                http.postJson("/v1/webhook-sources/directory/events/" + id + ":replay", admin, "", Map.of());
        assertThat(replayed.status()).as(replayed.body()).isEqualTo(200);
        assertThat(replayed.json().path("outcome").asString()).isEqualTo("pending");
        awaitOutcome("e-4", "applied");
        Http.Response again =
                http.postJson("/v1/webhook-sources/directory/events/" + id + ":replay", admin, "", Map.of());
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("code").asString()).isEqualTo("inbound_event_not_refused");
    }

    @Test
    void aDeletionBeatsACreationStampedWithTheSameTime() throws Exception {
        Instant t = Instant.parse("2026-12-06T10:00:00Z");
        send("e-1", "user.created", t.minusSeconds(5), user("u-1", "one@example.com", "One"));
        send("e-2", "user.deleted", t, "{\"id\":\"u-1\"}");
        send("e-3", "user.created", t, user("u-1", "one@example.com", "One"));

        awaitOutcome("e-3", "stale");
        assertThat(active("one@example.com")).isFalse();
    }

    @Test
    void eachMembershipIsItsOwnFactInTime() throws Exception {
        Instant t = Instant.now().minusSeconds(60);
        send("e-1", "user.created", t, user("u-1", "one@example.com", "One"));
        send("e-2", "user.updated", t.plusSeconds(20), user("u-1", "one@example.com", "Later"));
        // Stamped before the profile's update, but about something else: applied.
        send("e-3", "membership.created", t.plusSeconds(10), membership("u-1", "acme", "developer"));

        awaitOutcome("e-3", "applied");
    }

    @Test
    void badEventsAreRefusedAtTheDoorAndUnknownTypesIgnored() throws Exception {
        assertThat(send("e-1", "user.created", Instant.now(), "{\"id\":\"u-1\"}")
                        .status())
                .isEqualTo(400); // no email
        assertThat(sendRaw("e-2", "{\"type\":\"user.created\",\"data\":{}}").status())
                .isEqualTo(400); // no timestamp
        assertThat(sendRaw("e-3", "[1,2]").status()).isEqualTo(400);
        assertThat(send("e-5", "user.updated", Instant.now().plusSeconds(3600), user("u-1", "one@example.com", "One"))
                        .status())
                .isEqualTo(400); // stamped in the future: it would make every later event look stale
        Http.Response unknown = send("e-4", "invoice.paid", Instant.now(), "{\"amount\":1}");

        assertThat(unknown.status()).isEqualTo(202);
        awaitOutcome("e-4", "ignored");
        assertThat(jdbc.sql("SELECT event_id FROM inbound_events")
                        .query(String.class)
                        .list())
                .containsExactly("e-4");
    }

    @Test
    void theDirectorysTenantsAreCreatedRenamedAndDeleted() throws Exception {
        Instant t = Instant.now().minusSeconds(60);
        send("e-1", "tenant.created", t, "{\"tenant\":\"initech\",\"name\":\"Initech\"}");
        send("e-2", "tenant.updated", t.plusSeconds(1), "{\"tenant\":\"initech\",\"name\":\"Initech Corp\"}");
        awaitOutcome("e-2", "applied");
        String tenant = tenantIdByExternalId("initech");
        assertThat(http.get("/v1/tenants/" + tenant, admin).json().path("name").asString())
                .isEqualTo("Initech Corp");

        send("e-3", "tenant.deleted", t.plusSeconds(2), "{\"tenant\":\"initech\"}");
        awaitOutcome("e-3", "applied");
        assertThat(http.get("/v1/tenants/" + tenant, admin).status()).isEqualTo(404);
    }

    @Test
    void aRotatedSecretKeepsTheOldOneGoodForTheOverlap() throws Exception {
        String fresh = http.postJson("/v1/webhook-sources/directory/secret:rotate", admin, "", Map.of())
                .json()
                .path("secret")
                .asString();
        String body = event("user.updated", Instant.now(), user("u-1", "one@example.com", "One"));
        long now = Instant.now().getEpochSecond();

        assertThat(post("directory", "e-1", now, signature(secret, "e-1", now, body), body)
                        .status())
                .isEqualTo(202);
        assertThat(post("directory", "e-2", now, signature(fresh, "e-2", now, body), body)
                        .status())
                .isEqualTo(202);
    }

    @Test
    void aLeakedSecretEndsAtOnceWithTheRotationThatReplacesIt() throws Exception {
        String fresh = http.postJson(
                        "/v1/webhook-sources/directory/secret:rotate", admin, "{\"end_previous\":true}", Map.of())
                .json()
                .path("secret")
                .asString();
        String body = event("user.updated", Instant.now(), user("u-1", "one@example.com", "One"));
        long now = Instant.now().getEpochSecond();

        assertRefused(post("directory", "e-1", now, signature(secret, "e-1", now, body), body));
        assertThat(post("directory", "e-2", now, signature(fresh, "e-2", now, body), body)
                        .status())
                .isEqualTo(202);
        assertThat(jdbc.sql("SELECT after::text FROM audit_log WHERE action = 'webhook_source.secret_rotated'")
                        .query(String.class)
                        .single())
                .contains("PT0S");
    }

    @Test
    void aDeletionEndsTheUsersSessionsOnEveryNode() throws Exception {
        String token = accessToken("leaver", "leaver@example.com", Map.of());
        ConfigurableApplicationContext other = startAnotherNode(Map.of());
        try {
            Http otherNode = httpOf(other);
            assertThat(otherNode.get("/v1/me", token).status()).isEqualTo(200);

            send("e-1", "user.deleted", Instant.now(), "{\"id\":\"leaver\"}");
            awaitOutcome("e-1", "applied");

            assertThat(http.get("/v1/me", token).status()).isEqualTo(401);
            assertThat(otherNode.get("/v1/me", token).status()).isEqualTo(401);
        } finally {
            other.close();
        }
    }

    @Autowired
    InboundRetention retention;

    @Test
    void settledEventsArePrunedAfterTheRetentionAndTheRestStay() throws Exception {
        send("e-1", "user.created", Instant.now().minusSeconds(60), user("u-1", "one@example.com", "One"));
        send("e-2", "membership.created", Instant.now().minusSeconds(30), membership("u-8", "acme", "developer"));
        awaitOutcome("e-1", "applied");
        awaitOutcome("e-2", "refused");
        jdbc.sql("UPDATE inbound_events SET applied_at = now() - interval '31 days'")
                .update();

        assertThat(retention.prune()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT event_id FROM inbound_events")
                        .query(String.class)
                        .list())
                .containsExactly("e-2");
        // What made later duplicates stale is kept.
        assertThat(jdbc.sql("SELECT count(*) FROM inbound_facts WHERE fact = 'user:u-1'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }
}
