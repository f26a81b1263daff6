package dev.roster.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.roster.RosterApplication;
import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import dev.roster.support.TestInfrastructure;
import java.time.Duration;
import java.util.HashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/** Two Roster nodes on one PostgreSQL: what one node changes, the other honours within 100 ms. */
class TwoNodesTests extends IntegrationTest {

    static ConfigurableApplicationContext nodeB;
    static Http b;

    @BeforeAll
    static void startSecondNode() {
        var properties = new HashMap<String, Object>(TestInfrastructure.rosterProperties());
        properties.put("server.port", "0");
        nodeB = new SpringApplicationBuilder(RosterApplication.class)
                .properties(properties)
                .run();
        b = new Http("http://127.0.0.1:" + nodeB.getEnvironment().getProperty("local.server.port"));
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
        Http.Response replay =
                b.postForm("/v1/auth/token", Http.form("grant_type", "refresh_token", "refresh_token", refresh));

        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.json().path("error").asString()).isEqualTo("invalid_grant");
    }
}
