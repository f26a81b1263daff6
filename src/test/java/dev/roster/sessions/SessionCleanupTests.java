package dev.roster.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class SessionCleanupTests extends IntegrationTest {

    @Autowired
    SessionCleanup cleanup;

    @Test
    void expiredRefreshTokensAndLongEndedSessionsGoWhileLiveOnesStay() {
        JsonNode live = signIn("live", "live@example.com");
        signIn("old", "old@example.com");
        signIn("revoked", "revoked@example.com");
        jdbc.sql(
                        "UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE session_id IN"
                                + " (SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = 'old@example.com')")
                .update();
        jdbc.sql("UPDATE sessions SET revoked_at = now() - interval '8 days' WHERE user_id ="
                        + " (SELECT id FROM users WHERE email = 'revoked@example.com')")
                .update();

        exchange(upstreamToken("fresh", "fresh@example.com", java.util.Map.of()));
        jdbc.sql("INSERT INTO exchanged_upstream_tokens (token_hash, expires_at)"
                        + " VALUES ('\\x01', now() - interval '1 second')")
                .update();

        cleanup.run();

        assertThat(jdbc.sql("SELECT count(*) FROM exchanged_upstream_tokens WHERE expires_at < now()")
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM exchanged_upstream_tokens")
                        .query(Long.class)
                        .single())
                .as("the records of tokens that could still be presented stay")
                .isGreaterThanOrEqualTo(1);

        assertThat(jdbc.sql("SELECT count(*) FROM refresh_tokens")
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
        assertThat(jdbc.sql("SELECT count(*) FROM sessions").query(Long.class).single())
                .isEqualTo(3);
        assertThat(http.postForm(
                                "/v1/auth/token",
                                dev.roster.support.Http.form(
                                        "grant_type",
                                        "refresh_token",
                                        "refresh_token",
                                        live.path("refresh_token").asString()))
                        .status())
                .isEqualTo(200);
    }
}
