package dev.roster.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Write-back to a REST directory (WireMock) through the outbox: an admin's membership changes reach the directory
 * with the event id as {@code Idempotency-Key}; changes that came from the directory are not sent back; a refused
 * write dies at once; and while a write-back is undelivered, pulls do not undo the change it carries.
 */
class WriteBackTests extends IntegrationTest {

    @DynamicPropertySource
    static void directory(DynamicPropertyRegistry registry) {
        DirectoryStub.register(registry);
        registry.add("roster.directory.write-back", () -> "true");
        registry.add("roster.outbox.schedule", () -> "0s,1h");
        registry.add("roster.outbox.jitter", () -> "0");
        registry.add("roster.outbox.poll-interval", () -> "100ms");
    }

    private String admin;

    @BeforeEach
    void aDirectoryThatTakesWrites() {
        DirectoryStub.reset();
        DirectoryStub.knowsThePlatformAdmin();
        DirectoryStub.server.stubFor(put(urlMatching("/api/v1/users/.*/roles/.*"))
                .willReturn(aResponse().withStatus(200).withBody("{}")));
        DirectoryStub.server.stubFor(delete(urlMatching("/api/v1/users/.*/roles/.*"))
                .willReturn(aResponse().withStatus(204)));
        admin = signInAsPlatformAdmin();
    }

    private String signedInHolding(String subject, String role, String tenant) {
        signIn(subject, subject + "@example.com", roles(role, tenant));
        return userId(subject + "@example.com");
    }

    private static List<LoggedRequest> puts(String path) {
        return DirectoryStub.server.findAll(putRequestedFor(urlEqualTo(path)));
    }

    private static List<LoggedRequest> deletes(String path) {
        return DirectoryStub.server.findAll(deleteRequestedFor(urlEqualTo(path)));
    }

    /** The user's write-back events matching {@code condition} (the admin's own bootstrap event aside). */
    private long outbox(String user, String condition) {
        return jdbc.sql("SELECT count(*) FROM outbox WHERE target = 'upstream' AND aggregate_id = :u AND " + condition)
                .param("u", user)
                .query(Long.class)
                .single();
    }

    @Test
    void anAdminsAssignmentAndRevocationAreWrittenBackWithTheEventIdAsIdempotencyKey() {
        String user = signedInHolding("wb-1", "viewer", "acme");
        String acme = tenantIdByExternalId("acme");

        assertThat(assign(admin, acme, user, "developer").status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> puts("/api/v1/users/wb-1/roles/acme").size() == 1);
        LoggedRequest written = puts("/api/v1/users/wb-1/roles/acme").getFirst();
        assertThat(written.getBodyAsString()).isEqualTo("{\"role\":\"developer\"}");
        assertThat(written.getHeader("X-API-Key")).isEqualTo(DirectoryStub.API_KEY);
        String eventId = jdbc.sql("SELECT event_id::text FROM outbox WHERE target = 'upstream' AND aggregate_id = :u")
                .param("u", user)
                .query(String.class)
                .single();
        assertThat(written.getHeader("Idempotency-Key")).isEqualTo(eventId);

        assertThat(http.delete("/v1/tenants/" + acme + "/members/" + user, admin)
                        .status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> deletes("/api/v1/users/wb-1/roles/acme").size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> outbox(user, "delivered_at IS NOT NULL") == 2);
    }

    /** The member listing's sync fields of one member. */
    private tools.jackson.databind.JsonNode memberOf(String tenant, String user) {
        for (var member :
                http.get("/v1/tenants/" + tenant + "/members", admin).json().path("items")) {
            if (member.path("user_id").asString().equals(user)) {
                return member;
            }
        }
        throw new AssertionError("no member " + user);
    }

    @Test
    void theMemberListingShowsEachMembershipsSyncState() {
        String user = signedInHolding("wb-5", "viewer", "hooli");
        String other = signedInHolding("wb-6", "viewer", "hooli");
        String hooli = tenantIdByExternalId("hooli");
        // From the directory: nothing had to be told, no state.
        assertThat(memberOf(hooli, user).path("sync_state").isNull()).isTrue();
        DirectoryStub.server.stubFor(put(urlEqualTo("/api/v1/users/wb-6/roles/hooli"))
                .willReturn(aResponse().withStatus(503)));

        assign(admin, hooli, user, "developer");
        assign(admin, hooli, other, "developer");

        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        "synced".equals(memberOf(hooli, user).path("sync_state").asString()));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> memberOf(hooli, other).path("sync_attempts").asInt() == 1);
        var waiting = memberOf(hooli, other);
        assertThat(waiting.path("sync_state").asString()).isEqualTo("pending");
        assertThat(waiting.path("sync_error").asString()).contains("503");

        DirectoryStub.server.stubFor(put(urlEqualTo("/api/v1/users/wb-6/roles/hooli"))
                .willReturn(aResponse().withStatus(422)));
        jdbc.sql("UPDATE outbox SET next_attempt_at = now() WHERE aggregate_id = :u")
                .param("u", other)
                .update();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "failed"
                        .equals(memberOf(hooli, other).path("sync_state").asString()));
    }

    @Test
    void whatCameFromTheDirectoryIsNotWrittenBack() throws Exception {
        String user = signedInHolding("wb-2", "developer", "globex");

        Thread.sleep(500);

        assertThat(outbox(user, "true")).isZero();
        assertThat(DirectoryStub.server.findAll(putRequestedFor(urlMatching("/api/v1/users/wb-2/.*"))))
                .isEmpty();
    }

    @Test
    void aWriteTheDirectoryRefusesIsDeadAtOnce() {
        String user = signedInHolding("wb-3", "viewer", "initech");
        DirectoryStub.server.stubFor(put(urlEqualTo("/api/v1/users/wb-3/roles/initech"))
                .willReturn(aResponse().withStatus(404)));

        assign(admin, tenantIdByExternalId("initech"), user, "operator");

        await().atMost(Duration.ofSeconds(10)).until(() -> outbox(user, "dead_at IS NOT NULL") == 1);
        assertThat(jdbc.sql("SELECT last_error FROM outbox WHERE target = 'upstream' AND aggregate_id = :u")
                        .param("u", user)
                        .query(String.class)
                        .single())
                .contains("refused");
    }

    @Test
    void whileARevocationIsNotWrittenBackAPullDoesNotGiveTheRoleBack() {
        String user = signedInHolding("wb-4", "developer", "umbrella");
        String umbrella = tenantIdByExternalId("umbrella");
        DirectoryStub.holds("wb-4", "wb-4@example.com", "developer", "umbrella");
        DirectoryStub.server.stubFor(delete(urlEqualTo("/api/v1/users/wb-4/roles/umbrella"))
                .willReturn(aResponse().withStatus(503)));

        assertThat(http.delete("/v1/tenants/" + umbrella + "/members/" + user, admin)
                        .status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> outbox(user, "attempts = 1 AND delivered_at IS NULL") == 1);

        // The directory still says developer: a forced pull leaves the revocation standing.
        Http.Response synced =
                http.postJson("/v1/users/sync", admin, "{\"user_ids\":[\"" + user + "\"],\"force\":true}", Map.of());
        assertThat(synced.status()).as(synced.body()).isEqualTo(200);
        assertThat(jdbc.sql("SELECT count(*) FROM memberships WHERE user_id = CAST(:u AS uuid)")
                        .param("u", user)
                        .query(Long.class)
                        .single())
                .isZero();
    }
}
