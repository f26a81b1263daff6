package dev.roster.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code /v1/service-accounts}: created with a secret shown once and stored only as its hash, listed in keyset pages,
 * rotated with an overlap, deactivated; audited; bad input is a 4xx problem. Who may call them: PermissionMatrixTests.
 */
class ServiceAccountAdminTests extends AdminApiTest {

    private String admin;

    @BeforeEach
    void signInAdmin() {
        admin = signInAsPlatformAdmin();
    }

    private static byte[] sha256(String text) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void creationAnswersTheSecretOnceAndStoresOnlyItsHash() throws Exception {
        Http.Response created = postJson(
                "/v1/service-accounts", admin, "{\"name\":\"Billing backend\",\"description\":\"checks invoices\"}");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode body = created.json();
        String id = body.path("id").asString();
        String secret = body.path("client_secret").asString();
        assertThat(body.path("client_id").asString()).matches("sa_[0-9a-f]{32}");
        assertThat(secret).hasSizeGreaterThanOrEqualTo(43); // 256 bits, base64url
        assertThat(body.path("name").asString()).isEqualTo("Billing backend");
        assertThat(body.path("is_active").asBoolean()).isTrue();
        assertThat(body.path("version").asLong()).isPositive();
        assertThat(created.header("Location")).isEqualTo("/v1/service-accounts/" + id);
        assertThat(created.header("Cache-Control")).contains("no-store");

        Http.Response read = http.get("/v1/service-accounts/" + id, admin);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().has("client_secret")).isFalse();
        assertThat(read.body()).doesNotContain(secret);
        assertThat(read.json().path("description").asString()).isEqualTo("checks invoices");

        byte[] stored = jdbc.sql("SELECT secret_hash FROM service_account_secrets WHERE user_id = CAST(:id AS uuid)")
                .param("id", id)
                .query(byte[].class)
                .single();
        assertThat(stored).isEqualTo(sha256(secret));
        String everything = jdbc.sql("SELECT (SELECT string_agg(t::text, ' ') FROM service_accounts t)"
                        + " || (SELECT string_agg(u::text, ' ') FROM users u) || (SELECT string_agg(a::text, ' ')"
                        + " FROM audit_log a)")
                .query(String.class)
                .single();
        assertThat(everything)
                .doesNotContain(secret)
                .doesNotContain(HexFormat.of().formatHex(sha256(secret)));
        // A Roster user underneath, of its own provider.
        assertThat(jdbc.sql("SELECT provider FROM users WHERE id = CAST(:id AS uuid)")
                        .param("id", id)
                        .query(String.class)
                        .single())
                .isEqualTo("roster:service-account");
        assertThat(jdbc.sql("SELECT action FROM audit_log WHERE target = :t")
                        .param("t", "service_account:" + id)
                        .query(String.class)
                        .list())
                .containsExactly("service_account.created");
    }

    @Test
    void theListIsAKeysetPageWithAnExactTotal() {
        for (int i = 0; i < 5; i++) {
            createServiceAccount(admin, "backend-" + i);
        }

        List<String> seen = walk("/v1/service-accounts", admin, 2, "id");

        assertThat(seen).hasSize(5).doesNotHaveDuplicates().isSorted();
        assertThat(http.get("/v1/service-accounts", admin).body()).doesNotContain("client_secret");
    }

    @Test
    void aRotationAnswersANewSecretAndThePreviousOneWorksOnlyForTheOverlap() {
        ServiceAccountCredentials account = createServiceAccount(admin, "rotating");

        Http.Response rotated = http.post("/v1/service-accounts/" + account.id() + "/secret:rotate", admin);

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String second = rotated.json().path("client_secret").asString();
        assertThat(second).isNotEqualTo(account.clientSecret());
        assertThat(rotated.json().path("previous_secret_expires_at").isNull()).isFalse();
        assertThat(clientCredentials(account.clientId(), second).status()).isEqualTo(200);
        assertThat(clientCredentials(account.clientId(), account.clientSecret()).status())
                .as("the previous secret, within the overlap")
                .isEqualTo(200);

        // The overlap passes.
        jdbc.sql("UPDATE service_account_secrets SET expires_at = now() - interval '1 second'"
                        + " WHERE expires_at IS NOT NULL")
                .update();
        assertThat(clientCredentials(account.clientId(), account.clientSecret()).status())
                .isEqualTo(401);
        assertThat(clientCredentials(account.clientId(), second).status()).isEqualTo(200);
        assertThat(http.get("/v1/service-accounts/" + account.id(), admin)
                        .json()
                        .path("previous_secret_expires_at")
                        .isNull())
                .isTrue();
        assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'service_account.secret_rotated'"))
                .isEqualTo(1);
    }

    @Test
    void withNoOverlapARotationEndsTheReplacedSecretAtOnce() {
        ServiceAccountCredentials account = createServiceAccount(admin, "leaked");
        try (var strict = startAnotherNode(Map.of("roster.service-accounts.secret-overlap", "0s"))) {
            Http.Response rotated =
                    httpOf(strict).post("/v1/service-accounts/" + account.id() + "/secret:rotate", admin);

            assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
            assertThat(rotated.json().path("previous_secret_expires_at").isNull())
                    .isTrue();
            assertThat(clientCredentials(account.clientId(), account.clientSecret())
                            .status())
                    .isEqualTo(401);
            assertThat(clientCredentials(
                                    account.clientId(),
                                    rotated.json().path("client_secret").asString())
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void aSecondRotationEndsTheFirstSecretAtOnce() {
        ServiceAccountCredentials account = createServiceAccount(admin, "twice");
        String second = http.post("/v1/service-accounts/" + account.id() + "/secret:rotate", admin)
                .json()
                .path("client_secret")
                .asString();
        String third = http.post("/v1/service-accounts/" + account.id() + "/secret:rotate", admin)
                .json()
                .path("client_secret")
                .asString();

        assertThat(clientCredentials(account.clientId(), account.clientSecret()).status())
                .isEqualTo(401);
        assertThat(clientCredentials(account.clientId(), second).status()).isEqualTo(200);
        assertThat(clientCredentials(account.clientId(), third).status()).isEqualTo(200);
        assertThat(count("SELECT count(*) FROM service_account_secrets")).isEqualTo(2);
    }

    @Test
    void deactivationEndsTheAccountsTokensOnTheNextRequestAndItsSecrets() {
        ServiceAccountCredentials account = createServiceAccount(admin, "leaving");
        String token = serviceAccountToken(account);
        assertThat(http.get("/v1/me", token).status()).isEqualTo(200);

        Http.Response deleted = http.delete("/v1/service-accounts/" + account.id(), admin);

        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.json().path("is_active").asBoolean()).isFalse();
        assertProblem(http.get("/v1/me", token), 401, "session_ended");
        Http.Response again = clientCredentials(account.clientId(), account.clientSecret());
        assertThat(again.status()).isEqualTo(401);
        assertThat(again.json().path("error").asString()).isEqualTo("invalid_client");
        assertThat(count("SELECT count(*) FROM service_account_secrets")).isZero();
        assertThat(http.get("/v1/service-accounts/" + account.id(), admin)
                        .json()
                        .path("is_active")
                        .asBoolean())
                .isFalse();
        assertThat(jdbc.sql("SELECT action FROM audit_log WHERE target IN (:targets) ORDER BY id")
                        .param("targets", List.of("service_account:" + account.id(), "user:" + account.id()))
                        .query(String.class)
                        .list())
                .containsExactly("service_account.created", "user.deactivated", "service_account.deactivated");
        // Deactivating again changes nothing.
        long audited = auditRows();
        assertThat(http.delete("/v1/service-accounts/" + account.id(), admin).status())
                .isEqualTo(200);
        assertThat(auditRows()).isEqualTo(audited);
    }

    @Test
    void aServiceAccountIsNotAPlainUserAndAPlainUserIsNoServiceAccount() {
        User alice = signUp("alice");

        assertProblem(http.get("/v1/service-accounts/" + alice.id(), admin), 404, "service_account_not_found");
        assertProblem(
                http.post("/v1/service-accounts/" + alice.id() + "/secret:rotate", admin),
                404,
                "service_account_not_found");
        assertProblem(http.delete("/v1/service-accounts/" + alice.id(), admin), 404, "service_account_not_found");
    }

    @Test
    void badInputIsA4xxProblem() {
        assertProblem(postJson("/v1/service-accounts", admin, "{}"), 400, "invalid_field");
        assertProblem(postJson("/v1/service-accounts", admin, "{\"name\":\"\"}"), 400, "invalid_field");
        assertProblem(postJson("/v1/service-accounts", admin, "{\"name\":7}"), 400, "invalid_field");
        assertProblem(
                postJson("/v1/service-accounts", admin, "{\"name\":\"x\",\"client_secret\":\"mine\"}"),
                400,
                "invalid_field");
        assertProblem(
                postJson("/v1/service-accounts", admin, "{\"name\":\"" + "x".repeat(201) + "\"}"),
                400,
                "invalid_field");
        assertProblem(postJson("/v1/service-accounts", admin, "{\"name\":\"a\\u0000b\"}"), 400, "invalid_field");
        assertProblem(postJson("/v1/service-accounts", admin, "[1]"), 400, "malformed_body");
        assertProblem(http.get("/v1/service-accounts/not-a-uuid", admin), 400, "invalid_parameter");
        assertProblem(http.get("/v1/service-accounts?limit=0", admin), 400, "invalid_parameter");
        assertProblem(http.get("/v1/service-accounts?cursor=bogus", admin), 400, "invalid_parameter");
        assertThat(count("SELECT count(*) FROM service_accounts")).isZero();
    }
}
