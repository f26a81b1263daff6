package dev.roster.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Two Roster nodes on one PostgreSQL: what one node changes, the other honours within 100 ms, and at once for reads
 * that pass the write's version as {@code min_version}.
 */
class TwoNodesTests extends IntegrationTest {

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

    @Test
    void aLogoutOnOneNodeIsRefusedOnTheOtherWithin100Ms() {
        JsonNode tokens = signIn("two-1", "two@example.com");
        String access = tokens.path("access_token").asString();
        // Node B has verified the token and cached the session as live.
        assertThat(b.get("/v1/me", access).status()).isEqualTo(200);
        assertThat(b.get("/v1/me", access).status()).isEqualTo(200);

        assertThat(http.post("/v1/auth/logout", access).status()).isEqualTo(204);

        await().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5))
                .atMost(Duration.ofMillis(100))
                .until(() -> b.get("/v1/me", access).status() == 401);
    }

    @Test
    void aChangeOnOneNodeShowsInTheOthersMe() {
        String access = signIn("two-2", "two2@example.com").path("access_token").asString();
        assertThat(b.get("/v1/me", access).json().path("settings").isEmpty()).isTrue();

        assertThat(http.patchJson("/v1/me/settings", access, "{\"theme\":\"dark\"}")
                        .status())
                .isEqualTo(200);

        await().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5))
                .atMost(Duration.ofMillis(100))
                .until(() -> "dark"
                        .equals(b.get("/v1/me", access)
                                .json()
                                .path("settings")
                                .path("theme")
                                .asString()));
    }

    @Test
    void aRefreshTokenRotatedOnOneNodeCannotBeReplayedOnTheOther() {
        JsonNode tokens = signIn("two-3", "two3@example.com");
        String refresh = tokens.path("refresh_token").asString();

        assertThat(http.postForm("/v1/auth/token", Http.form("grant_type", "refresh_token", "refresh_token", refresh))
                        .status())
                .isEqualTo(200);
        pastTheRefreshReuseGrace();
        Http.Response replay =
                b.postForm("/v1/auth/token", Http.form("grant_type", "refresh_token", "refresh_token", refresh));

        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.json().path("error").asString()).isEqualTo("invalid_grant");
    }

    @Test
    void aRoleRevokedOnOneNodeIsRefusedOnTheOtherWithin100Ms() {
        String admin = signInAsPlatformAdmin();
        String access = accessToken("two-4", "two4@example.com", roles("developer", "acme"));
        String acme = tenantIdByExternalId("acme");
        assertThat(b.get("/v1/me/role?tenant_id=" + acme, access).status()).isEqualTo(200);

        assertThat(http.delete("/v1/tenants/" + acme + "/members/" + userId("two4@example.com"), admin)
                        .status())
                .isEqualTo(200);

        await().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5))
                .atMost(Duration.ofMillis(100))
                .until(() -> b.get("/v1/me/role?tenant_id=" + acme, access).status() == 404);
    }

    @Test
    void aReadOnTheOtherNodeWithTheWritesVersionIsNeverOlderThanTheWrite() {
        String admin = signInAsPlatformAdmin();
        String access = accessToken("two-5", "two5@example.com", roles("developer", "acme"));
        String acme = tenantIdByExternalId("acme");
        String user = userId("two5@example.com");
        for (int i = 0; i < 40; i++) {
            String role = i % 2 == 0 ? "viewer" : "operator";
            // Node B caches the old answer right before the write...
            assertThat(b.get("/v1/me/role?tenant_id=" + acme, access).status()).isEqualTo(200);
            Http.Response written = assign(admin, acme, user, role);
            long version = written.json().path("version").asLong();

            // ...and, asked with the write's version, answers nothing older than it: no sleeping, no retrying.
            Http.Response read = b.get("/v1/me/role?tenant_id=" + acme + "&min_version=" + version, access);

            assertThat(read.status()).isEqualTo(200);
            assertThat(read.json().path("role").asString()).isEqualTo(role);
        }
    }

    @Test
    void aVersionNoNodeHasSeenAnswers409StaleReadAndAMalformedOne400() {
        String access = accessToken("two-6", "two6@example.com", Map.of());

        Http.Response future = b.get("/v1/me?min_version=" + Long.MAX_VALUE, access);
        Http.Response malformed = b.get("/v1/me?min_version=yesterday", access);

        assertThat(future.status()).isEqualTo(409);
        assertThat(future.json().path("code").asString()).isEqualTo("stale_read");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().path("code").asString()).isEqualTo("invalid_parameter");
    }

    @Test
    void versionsGrowWithEveryWriteOnEitherNode() {
        String adminOnA = signInAsPlatformAdmin();
        long first = http.postJson("/v1/tenants", adminOnA, "{\"slug\":\"v-one\",\"name\":\"One\"}", Map.of())
                .json()
                .path("version")
                .asLong();
        long second = b.postJson("/v1/tenants", adminOnA, "{\"slug\":\"v-two\",\"name\":\"Two\"}", Map.of())
                .json()
                .path("version")
                .asLong();

        assertThat(second).isGreaterThan(first);
    }
}
