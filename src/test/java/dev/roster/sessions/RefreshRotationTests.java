package dev.roster.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.RosterApplication;
import dev.roster.platform.InvalidationBus;
import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import dev.roster.support.TestInfrastructure;
import dev.roster.users.UserViews;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Refresh-token rotation under retries and races (docs/adr/003-refresh-rotation.md): an honest client that presents
 * a rotated token again within the grace window gets the same successor; a reuse after the window revokes the whole
 * session; a refresh that cannot be answered does not spend the token.
 */
class RefreshRotationTests extends IntegrationTest {

    @Autowired
    TransactionTemplate tx;

    @Autowired
    InvalidationBus bus;

    @Autowired
    SessionCleanup cleanup;

    private Http.Response refresh(Http node, String refreshToken) {
        return node.postForm("/v1/auth/token", Http.form("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    @Test
    void fiftyParallelRefreshesWithOneTokenLeaveAWorkingSession() throws Exception {
        JsonNode tokens = signIn("race", "race@example.com");
        String first = tokens.path("refresh_token").asString();
        var start = new CountDownLatch(1);

        List<Http.Response> answers;
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new java.util.ArrayList<Future<Http.Response>>();
            for (int i = 0; i < 50; i++) {
                futures.add(threads.submit(() -> {
                    start.await();
                    return refresh(http, first);
                }));
            }
            start.countDown();
            answers = new java.util.ArrayList<>();
            for (var f : futures) {
                answers.add(f.get());
            }
        }

        assertThat(answers).extracting(Http.Response::status).containsOnly(200);
        // One successor, handed to every racer: the family did not fork.
        assertThat(answers.stream()
                        .map(a -> a.json().path("refresh_token").asString())
                        .distinct())
                .hasSize(1);
        for (Http.Response answer : answers) {
            assertThat(http.get("/v1/me", answer.json().path("access_token").asString())
                            .status())
                    .isEqualTo(200);
        }
        String successor = answers.getFirst().json().path("refresh_token").asString();
        assertThat(refresh(http, successor).status()).isEqualTo(200);
        assertThat(jdbc.sql("SELECT count(*) FROM sessions WHERE revoked_at IS NULL")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM refresh_tokens")
                        .query(Long.class)
                        .single())
                .as("the first token, its one successor, and that one's successor")
                .isEqualTo(3);
    }

    @Test
    void aRetryWithinTheWindowGetsTheSameSuccessorAndTheFirstAnswerStaysValid() {
        JsonNode tokens = signIn("retry", "retry@example.com");
        String first = tokens.path("refresh_token").asString();

        JsonNode answered = refresh(http, first).json();
        Http.Response retried = refresh(http, first);

        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.json().path("refresh_token").asString())
                .isEqualTo(answered.path("refresh_token").asString());
        assertThat(http.get("/v1/me", answered.path("access_token").asString()).status())
                .isEqualTo(200);
        assertThat(http.get("/v1/me", retried.json().path("access_token").asString())
                        .status())
                .isEqualTo(200);
        assertThat(refresh(http, answered.path("refresh_token").asString()).status())
                .isEqualTo(200);
    }

    @Test
    void aReplayAfterTheWindowRevokesTheSessionAndEveryTokenOfIt() {
        JsonNode tokens = signIn("replay", "replay@example.com");
        String first = tokens.path("refresh_token").asString();
        JsonNode second = refresh(http, first).json();
        pastTheRefreshReuseGrace();

        Http.Response replay = refresh(http, first);

        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.json().path("error").asString()).isEqualTo("invalid_grant");
        assertThat(refresh(http, second.path("refresh_token").asString()).status())
                .isEqualTo(400);
        assertThat(http.get("/v1/me", second.path("access_token").asString()).status())
                .isEqualTo(401);
        assertThat(jdbc.sql("SELECT revoked_reason FROM sessions")
                        .query(String.class)
                        .single())
                .isEqualTo("refresh_token_reused");
    }

    @Test
    void theDatabaseAloneCannotOpenAKeptSuccessor() throws Exception {
        JsonNode tokens = signIn("sealed", "sealed@example.com");
        String first = tokens.path("refresh_token").asString();
        String successor = refresh(http, first).json().path("refresh_token").asString();
        byte[] firstHash = MessageDigest.getInstance("SHA-256").digest(first.getBytes(StandardCharsets.US_ASCII));

        byte[] sealed = jdbc.sql("SELECT successor_sealed FROM refresh_token_successors WHERE token_hash = :h")
                .param("h", firstHash)
                .query(byte[].class)
                .single();

        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(successor);
        // What the database holds (the token's hash) is not the key; only the token itself opens it.
        assertThat(SuccessorSeal.open(sealed, java.util.HexFormat.of().formatHex(firstHash), firstHash))
                .isNull();
        assertThat(SuccessorSeal.open(sealed, first, firstHash)).isEqualTo(successor);
    }

    @Test
    void aKeptSuccessorIsDeletedOnceTheWindowHasPassed() {
        String first =
                signIn("forget", "forget@example.com").path("refresh_token").asString();
        refresh(http, first);
        assertThat(cleanup.forgetLapsedSuccessors()).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM refresh_token_successors")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);

        pastTheRefreshReuseGrace();

        assertThat(cleanup.forgetLapsedSuccessors()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM refresh_token_successors")
                        .query(Long.class)
                        .single())
                .isZero();
        // The rotated token, presented now, is a reuse as before.
        assertThat(refresh(http, first).status()).isEqualTo(400);
    }

    @Test
    void aRefreshThatCannotBeAnsweredDoesNotSpendTheToken() {
        JsonNode tokens = signIn("unanswerable", "unanswerable@example.com");
        String first = tokens.path("refresh_token").asString();
        String user = userId("unanswerable@example.com");
        // The user's view says inactive while the session still stands: the answer cannot be made after the claim.
        setActive(user, false);

        Http.Response refused = refresh(http, first);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("error").asString()).isEqualTo("invalid_grant");
        assertThat(jdbc.sql("SELECT count(*) FROM refresh_tokens WHERE used_at IS NULL")
                        .query(Long.class)
                        .single())
                .as("the token is unspent")
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM refresh_token_successors")
                        .query(Long.class)
                        .single())
                .as("no successor was kept")
                .isZero();
        setActive(user, true);
        assertThat(refresh(http, first).status()).isEqualTo(200);
    }

    @Test
    void aGraceOfZeroIsStrictRotation() {
        var properties = new HashMap<String, Object>(TestInfrastructure.rosterProperties());
        properties.put("ROSTER_PORT", "0");
        properties.put("roster.tokens.refresh-reuse-grace", "0s");
        try (var strict = new SpringApplicationBuilder(RosterApplication.class)
                .properties(properties)
                .run()) {
            var node = new Http("http://127.0.0.1:" + strict.getEnvironment().getProperty("local.server.port"));
            String first =
                    signIn("strict", "strict@example.com").path("refresh_token").asString();
            assertThat(refresh(node, first).status()).isEqualTo(200);

            Http.Response retried = refresh(node, first);

            assertThat(retried.status()).isEqualTo(400);
            assertThat(jdbc.sql("SELECT revoked_reason FROM sessions")
                            .query(String.class)
                            .single())
                    .isEqualTo("refresh_token_reused");
        }
    }

    private void setActive(String userId, boolean active) {
        tx.executeWithoutResult(status -> {
            jdbc.sql("UPDATE users SET is_active = :active WHERE id = :id::uuid")
                    .param("active", active)
                    .param("id", userId)
                    .update();
            bus.publish(UserViews.TOPIC, userId);
        });
    }
}
