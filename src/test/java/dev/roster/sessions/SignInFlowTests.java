package dev.roster.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import dev.roster.support.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SignInFlowTests extends IntegrationTest {

    @Test
    void signInCreatesTheUserWithTheUpstreamsMembershipsAndMeShowsThem() {
        JsonNode tokens = signIn(
                "u-1",
                "Alice@Example.com",
                roles("tenant_admin", Map.of("id", "acme", "name", "Acme Corp"), "developer", "globex"));

        assertThat(tokens.path("token_type").asString()).isEqualTo("Bearer");
        assertThat(tokens.path("expires_in").asLong()).isEqualTo(900);
        assertThat(tokens.path("refresh_token").asString()).hasSizeGreaterThanOrEqualTo(43);

        Http.Response me = http.get("/v1/me", tokens.path("access_token").asString());
        assertThat(me.status()).isEqualTo(200);
        JsonNode body = me.json();
        assertThat(body.path("email").asString()).isEqualTo("alice@example.com");
        assertThat(body.path("display_name").asString()).isEqualTo("Test u-1");
        assertThat(body.path("last_roles_sync_at").isNull()).isFalse();
        assertThat(body.path("memberships")).hasSize(2);
        assertThat(body.path("memberships").get(0).path("role").asString()).isEqualTo("tenant_admin");
        assertThat(body.path("memberships").get(0).path("name").asString()).isEqualTo("Acme Corp");
        assertThat(body.path("memberships").get(0).path("slug").asString()).isEqualTo("acme-corp");
        assertThat(body.path("memberships").get(1).path("role").asString()).isEqualTo("developer");

        assertThat(jdbc.sql("SELECT count(*) FROM users").query(Long.class).single())
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT external_id FROM tenants WHERE slug = 'globex'")
                        .query(String.class)
                        .single())
                .isEqualTo("globex");
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE action = 'user.provisioned'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void severalRolesOnOneTenantKeepTheHighestPriorityAndUnknownRolesAreSkipped() {
        JsonNode tokens = signIn(
                "u-2",
                "bob@example.com",
                roles("viewer", "acme", "operator", "acme", "no_such_role", "globex", "developer", "initech"));

        JsonNode memberships = http.get("/v1/me", tokens.path("access_token").asString())
                .json()
                .path("memberships");
        assertThat(memberships).hasSize(2);
        assertThat(memberships.get(0).path("slug").asString()).isEqualTo("acme");
        assertThat(memberships.get(0).path("role").asString()).isEqualTo("operator");
        assertThat(memberships.get(1).path("slug").asString()).isEqualTo("initech");
        assertThat(jdbc.sql("SELECT count(*) FROM tenants WHERE slug = 'globex'")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void aSecondSignInUpdatesTheProfileAndReconcilesRolesWithoutDuplicatingTheUser() {
        signIn("u-3", "carol@example.com", roles("developer", "acme"));
        JsonNode again = signIn("u-3", "carol.chen@example.com", roles("viewer", "globex"));

        JsonNode me = http.get("/v1/me", again.path("access_token").asString()).json();
        assertThat(me.path("email").asString()).isEqualTo("carol.chen@example.com");
        // Every sign-in reconciles: the role moved from acme to globex.
        assertThat(me.path("memberships")).hasSize(1);
        assertThat(me.path("memberships").get(0).path("slug").asString()).isEqualTo("globex");
        assertThat(me.path("memberships").get(0).path("role").asString()).isEqualTo("viewer");
        assertThat(jdbc.sql("SELECT count(*) FROM users").query(Long.class).single())
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM sessions").query(Long.class).single())
                .isEqualTo(2);
    }

    @Test
    void theAccessTokenCarriesExactlyIdentityClaimsAndStaysSmallWithAThousandMemberships() {
        JsonNode one = signIn("few", "few@example.com", roles("viewer", "t-0"));
        Object[] many = new Object[2000];
        for (int i = 0; i < 1000; i++) {
            many[2 * i] = "viewer";
            many[2 * i + 1] = "t-" + i;
        }
        JsonNode thousand = signIn("many", "many@example.com", roles(many));

        Map<String, Object> claims = payload(thousand.path("access_token").asString());
        assertThat(claims.keySet()).isEqualTo(Set.of("iss", "aud", "sub", "sid", "email", "tid", "iat", "exp"));
        assertThat(payloadBytes(one.path("access_token").asString())).isLessThanOrEqualTo(300);
        assertThat(payloadBytes(thousand.path("access_token").asString())).isLessThanOrEqualTo(300);
        assertThat(http.get("/v1/me", thousand.path("access_token").asString())
                        .json()
                        .path("memberships"))
                .hasSize(1000);
    }

    @Test
    void aUserWithoutMembershipsGetsATokenWithoutTid() {
        JsonNode tokens = signIn("lonely", "lonely@example.com", roles());

        assertThat(payload(tokens.path("access_token").asString())).doesNotContainKey("tid");
        JsonNode me = http.get("/v1/me", tokens.path("access_token").asString()).json();
        assertThat(me.path("memberships")).isEmpty();
    }

    @Test
    void refreshRotatesTheRefreshTokenAndAnswersANewAccessToken() {
        JsonNode tokens = signIn("u-4", "dave@example.com");
        String first = tokens.path("refresh_token").asString();

        Http.Response refreshed =
                http.postForm("/v1/auth/token", Http.form("grant_type", "refresh_token", "refresh_token", first));

        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(refreshed.header("Cache-Control")).contains("no-store");
        JsonNode body = refreshed.json();
        assertThat(body.path("refresh_token").asString()).isNotEqualTo(first);
        assertThat(body.has("issued_token_type")).isFalse();
        assertThat(http.get("/v1/me", body.path("access_token").asString()).status())
                .isEqualTo(200);
        assertThat(payload(body.path("access_token").asString()).get("sid"))
                .isEqualTo(payload(tokens.path("access_token").asString()).get("sid"));
    }

    @Test
    void reusingARotatedRefreshTokenRevokesTheWholeSession() {
        JsonNode tokens = signIn("u-5", "eve@example.com");
        String first = tokens.path("refresh_token").asString();
        JsonNode second = http.postForm(
                        "/v1/auth/token", Http.form("grant_type", "refresh_token", "refresh_token", first))
                .json();
        pastTheRefreshReuseGrace();

        Http.Response replay =
                http.postForm("/v1/auth/token", Http.form("grant_type", "refresh_token", "refresh_token", first));

        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.json().path("error").asString()).isEqualTo("invalid_grant");
        // The family is gone: the successor token and every access token of the session are refused.
        Http.Response successor = http.postForm(
                "/v1/auth/token",
                Http.form(
                        "grant_type",
                        "refresh_token",
                        "refresh_token",
                        second.path("refresh_token").asString()));
        assertThat(successor.status()).isEqualTo(400);
        assertThat(http.get("/v1/me", tokens.path("access_token").asString()).status())
                .isEqualTo(401);
        assertThat(http.get("/v1/me", second.path("access_token").asString()).status())
                .isEqualTo(401);
        assertThat(jdbc.sql("SELECT revoked_reason FROM sessions")
                        .query(String.class)
                        .single())
                .isEqualTo("refresh_token_reused");
    }

    @Test
    void browserRefreshAcceptsAJsonBodyAndAnswers401ProblemsForReuse() {
        JsonNode tokens = signIn("u-6", "frank@example.com");
        String first = tokens.path("refresh_token").asString();

        Http.Response ok = http.postJson("/v1/auth/refresh", null, "{\"refresh_token\":\"" + first + "\"}", Map.of());
        pastTheRefreshReuseGrace();
        Http.Response reused =
                http.postJson("/v1/auth/refresh", null, "{\"refresh_token\":\"" + first + "\"}", Map.of());
        Http.Response unknown = http.postJson("/v1/auth/refresh", null, "{\"refresh_token\":\"nope\"}", Map.of());
        Http.Response missing = http.postJson("/v1/auth/refresh", null, "{}", Map.of());

        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().path("access_token").asString()).isNotBlank();
        assertThat(reused.status()).isEqualTo(401);
        assertThat(reused.contentType()).startsWith("application/problem+json");
        assertThat(reused.json().path("code").asString()).isEqualTo("refresh_token_reused");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.json().path("code").asString()).isEqualTo("invalid_refresh_token");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("code").asString()).isEqualTo("refresh_token_missing");
    }

    @Test
    void browserRefreshReadsTheHttpOnlyCookieAndSetsItsSuccessor() {
        JsonNode tokens = signIn("u-7", "grace@example.com");

        Http.Response response = http.send(http.request("/v1/auth/refresh", null)
                .header(
                        "Cookie",
                        "roster_refresh_token=" + tokens.path("refresh_token").asString())
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));

        assertThat(response.status()).isEqualTo(200);
        String setCookie = response.header("Set-Cookie");
        assertThat(setCookie)
                .startsWith("roster_refresh_token="
                        + response.json().path("refresh_token").asString())
                .contains("HttpOnly")
                .contains("SameSite=Strict")
                .contains("Path=/v1/auth");
    }

    @Test
    void logoutEndsTheSessionSoTheAccessTokenIsRefusedOnTheNextRequest() {
        JsonNode tokens = signIn("u-8", "heidi@example.com");
        String access = tokens.path("access_token").asString();
        assertThat(http.get("/v1/me", access).status()).isEqualTo(200);

        assertThat(http.post("/v1/auth/logout", access).status()).isEqualTo(204);

        Http.Response after = http.get("/v1/me", access);
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.json().path("code").asString()).isEqualTo("session_ended");
        assertThat(after.header("WWW-Authenticate")).startsWith("Bearer error=\"invalid_token\"");
        Http.Response refresh = http.postForm(
                "/v1/auth/token",
                Http.form(
                        "grant_type",
                        "refresh_token",
                        "refresh_token",
                        tokens.path("refresh_token").asString()));
        assertThat(refresh.status()).isEqualTo(400);
    }

    @Test
    void theTokenEndpointAnswersOAuthErrorsForBadRequests() {
        Http.Response unsupported = http.postForm("/v1/auth/token", Http.form("grant_type", "password"));
        Http.Response missing = http.postForm("/v1/auth/token", Http.form("grant_type", "refresh_token"));
        Http.Response badType = http.postForm(
                "/v1/auth/token",
                Http.form("grant_type", TOKEN_EXCHANGE, "subject_token", "x", "subject_token_type", "urn:x"));
        Http.Response json = http.postJson("/v1/auth/token", null, "{\"grant_type\":\"refresh_token\"}", Map.of());

        assertThat(unsupported.status()).isEqualTo(400);
        assertThat(unsupported.json().path("error").asString()).isEqualTo("unsupported_grant_type");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("error").asString()).isEqualTo("invalid_request");
        assertThat(badType.json().path("error").asString()).isEqualTo("invalid_request");
        assertThat(json.status()).isEqualTo(415);
        assertThat(json.json().path("code").asString()).isEqualTo("unsupported_media_type");
    }

    /** Issue 6: the JWKS refetch limit used to answer every such token after the first with 503. */
    @Test
    void tokensSignedWithAKeyTheUpstreamDoesNotPublishAreRefusedAs400EveryTimeNot503() throws Exception {
        RSAKey forger = new RSAKeyGenerator(2048).keyID("not-the-upstreams").generate();
        Instant now = Instant.now();
        var forged = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(forger.getKeyID())
                        .build(),
                new JWTClaimsSet.Builder()
                        .issuer(TestInfrastructure.issuer())
                        .audience(TestInfrastructure.AUDIENCE)
                        .subject("forged")
                        .claim("email", "forged@example.com")
                        .issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plusSeconds(300)))
                        .build());
        forged.sign(new RSASSASigner(forger));

        for (int i = 0; i < 5; i++) {
            Http.Response answer = exchange(forged.serialize());

            assertThat(answer.status()).as("attempt %d", i + 1).isEqualTo(400);
            assertThat(answer.json().path("error").asString()).isEqualTo("invalid_request");
        }
        assertThat(signIn("genuine", "genuine@example.com").path("access_token").asString())
                .isNotBlank();
    }

    @Test
    void tokenEndpointParametersWithControlCharactersAreInvalidRequestsNotReadAsOtherValues() {
        String refresh = signIn("ctl", "ctl@example.com").path("refresh_token").asString();

        Http.Response nul = http.postForm(
                "/v1/auth/token", Http.form("grant_type", "refresh_token", "refresh_token", refresh + "\u0000"));
        Http.Response newline =
                http.postForm("/v1/auth/token", Http.form("grant_type", "refresh_token\n", "refresh_token", refresh));

        assertThat(nul.status()).isEqualTo(400);
        assertThat(nul.json().path("error").asString()).isEqualTo("invalid_request");
        assertThat(newline.status()).isEqualTo(400);
        assertThat(newline.json().path("error").asString()).isEqualTo("invalid_request");
        // Neither spent the refresh token.
        assertThat(http.postForm("/v1/auth/token", Http.form("grant_type", "refresh_token", "refresh_token", refresh))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aDeactivatedUserCannotUseTheirTokensRefreshOrSignIn() {
        JsonNode tokens = signIn("u-9", "ivan@example.com");
        String access = tokens.path("access_token").asString();
        String refresh = tokens.path("refresh_token").asString();
        assertThat(http.get("/v1/me", access).status()).isEqualTo(200);
        String admin = signInAsPlatformAdmin();

        Http.Response deactivated = http.post("/v1/users/" + userId("ivan@example.com") + ":deactivate", admin);

        assertThat(deactivated.status()).isEqualTo(200);
        assertThat(deactivated.json().path("is_active").asBoolean()).isFalse();
        Http.Response me = http.get("/v1/me", access);
        assertThat(me.status()).isEqualTo(401);
        assertThat(me.json().path("code").asString()).isEqualTo("session_ended");
        Http.Response refreshed =
                http.postForm("/v1/auth/token", Http.form("grant_type", "refresh_token", "refresh_token", refresh));
        assertThat(refreshed.status()).isEqualTo(400);
        assertThat(refreshed.json().path("error").asString()).isEqualTo("invalid_grant");
        Http.Response again = exchange(upstreamToken("u-9", "ivan@example.com", Map.of()));
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().path("error").asString()).isEqualTo("invalid_grant");
        assertThat(jdbc.sql("SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id"
                                + " WHERE u.email = 'ivan@example.com' AND s.revoked_at IS NULL")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void aReactivatedUserSignsInAgain() {
        signIn("u-10", "jane@example.com");
        String admin = signInAsPlatformAdmin();
        String id = userId("jane@example.com");
        assertThat(http.post("/v1/users/" + id + ":deactivate", admin).status()).isEqualTo(200);

        assertThat(http.post("/v1/users/" + id + ":reactivate", admin).status()).isEqualTo(200);

        assertThat(exchange(upstreamToken("u-10", "jane@example.com", Map.of())).status())
                .isEqualTo(200);
    }

    @Test
    void concurrentFirstSignInsCreatingTheSameTenantsInOppositeOrdersAllSucceed() throws Exception {
        for (int round = 0; round < 5; round++) {
            String a = "race-a-" + round;
            String b = "race-b-" + round;
            var barrier = new java.util.concurrent.CyclicBarrier(2);
            java.util.function.Function<Object[], java.util.concurrent.CompletableFuture<Http.Response>> signInAt =
                    claims -> java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        String token = upstreamToken(
                                (String) claims[0], claims[0] + "@example.com", roles((Object[]) claims[1]));
                        try {
                            barrier.await();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        return exchange(token);
                    });
            var first = signInAt.apply(new Object[] {"first-" + round, new Object[] {"viewer", a, "developer", b}});
            var second = signInAt.apply(new Object[] {"second-" + round, new Object[] {"viewer", b, "developer", a}});

            assertThat(first.get().status()).isEqualTo(200);
            assertThat(second.get().status()).isEqualTo(200);
        }
        assertThat(jdbc.sql("SELECT count(*) FROM tenants WHERE external_id LIKE 'race-%'")
                        .query(Long.class)
                        .single())
                .isEqualTo(10);
        assertThat(jdbc.sql("SELECT count(*) FROM memberships")
                        .query(Long.class)
                        .single())
                .isEqualTo(20);
    }

    @Test
    void aSignInThatChangesNothingLeavesTheProfileUntouched() {
        signIn("same", "same@example.com");
        var before = jdbc.sql("SELECT updated_at FROM users")
                .query(java.time.OffsetDateTime.class)
                .single();

        signIn("same", "same@example.com");

        assertThat(jdbc.sql("SELECT updated_at FROM users")
                        .query(java.time.OffsetDateTime.class)
                        .single())
                .isEqualTo(before);
        signIn("same", "renamed@example.com");
        assertThat(jdbc.sql("SELECT updated_at FROM users")
                        .query(java.time.OffsetDateTime.class)
                        .single())
                .isAfter(before);
    }

    static Map<String, Object> payload(String jwt) {
        return JsonMapper.builder().build().readValue(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), Map.class);
    }

    static int payloadBytes(String jwt) {
        return new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8).length();
    }

    @Test
    void anUpstreamTokenSignsInOnce() {
        String token = upstreamToken("once", "once@example.com", Map.of());
        assertThat(exchange(token).status()).isEqualTo(200);

        Http.Response replay = exchange(token);

        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.json().path("error").asString()).isEqualTo("invalid_request");
        assertThat(replay.json().path("error_description").asString()).contains("exchanged before");
        assertThat(jdbc.sql("SELECT count(*) FROM sessions").query(Long.class).single())
                .isEqualTo(1);
        // A fresh token of the same user signs in as usual.
        assertThat(exchange(upstreamToken("once", "once@example.com", Map.of())).status())
                .isEqualTo(200);
    }

    @Test
    void concurrentExchangesOfOneUpstreamTokenOpenOneSession() throws Exception {
        String token = upstreamToken("twice", "twice@example.com", Map.of());
        var start = new java.util.concurrent.CountDownLatch(1);
        var statuses = new java.util.ArrayList<Integer>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
            for (int i = 0; i < 10; i++) {
                futures.add(threads.submit(() -> {
                    start.await();
                    return exchange(token).status();
                }));
            }
            start.countDown();
            for (var f : futures) {
                statuses.add(f.get());
            }
        }

        assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
        assertThat(statuses).filteredOn(s -> s == 400).hasSize(9);
        assertThat(jdbc.sql("SELECT count(*) FROM sessions").query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void theUpstreamsWordOnTheAddressIsRecordedAtEachSignIn() {
        String unverified = accessToken("verify", "verify@example.com", Map.of("email_verified", false));
        assertThat(http.get("/v1/me", unverified).json().path("email_verified").asBoolean())
                .isFalse();

        String verified = accessToken("verify", "verify@example.com", Map.of("email_verified", "true"));

        assertThat(http.get("/v1/me", verified).json().path("email_verified").asBoolean())
                .isTrue();
        assertThat(jdbc.sql("SELECT email_verified FROM users WHERE email = 'verify@example.com'")
                        .query(Boolean.class)
                        .single())
                .isTrue();
        // A provider that stops vouching (the address changed, say) is believed too.
        accessToken("verify", "verify@example.com", Map.of());
        assertThat(jdbc.sql("SELECT email_verified FROM users WHERE email = 'verify@example.com'")
                        .query(Boolean.class)
                        .single())
                .isFalse();
    }
}
