package dev.roster.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.roster.demo.DirectoryFaults.Faults;
import dev.roster.support.Http;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The demo upstream's REST directory and its knobs, over HTTP against a dev-mode Roster. */
class DirectorySimulatorTests {

    static final JsonMapper JSON = JsonMapper.builder().build();

    static ConfigurableApplicationContext roster;
    static Http http;
    static String apiKey;

    @BeforeAll
    static void startInDevMode() throws Exception {
        roster = DevModeRoster.start(Files.createTempDirectory("roster-directory"), Map.of());
        http = new Http(DevModeRoster.baseUrl(roster));
        apiKey = roster.getBean(DemoDirectoryAccess.class).apiKey();
    }

    @AfterAll
    static void stop() {
        roster.close();
    }

    @BeforeEach
    void theSeededDirectoryWithoutFaults() {
        roster.getBean(JdbcClient.class).sql("TRUNCATE demo_directory_users").update();
        roster.getBean(DemoDirectorySeed.class).seed();
        roster.getBean(DirectoryFaults.class).set(new Faults(0, 0.0, false));
        roster.getBean(DirectoryStats.class).reset();
    }

    @Test
    void meWithADemoIdTokenAnswersAlicesProfileAndRoles() {
        Http.Response me = http.get("/demo/directory/api/v1/users/me", idToken("alice@example.com"));

        assertThat(me.status()).isEqualTo(200);
        JsonNode alice = me.json();
        assertThat(alice.path("id").asString()).isEqualTo("demo-alice");
        assertThat(alice.path("email").asString()).isEqualTo("alice@example.com");
        assertThat(alice.path("email_verified").asBoolean()).isTrue();
        assertThat(alice.path("username").asString()).isEqualTo("alice");
        assertThat(alice.path("first_name").asString()).isEqualTo("Alice");
        assertThat(alice.path("last_name").asString()).isEqualTo("Anderson");
        assertThat(alice.path("display_name").asString()).isEqualTo("Alice Anderson");
        assertThat(alice.has("middle_name")).isTrue();
        assertThat(alice.path("division").asString()).isEqualTo("Engineering");
        assertThat(alice.path("hierarchy_level").asInt()).isEqualTo(2);
        assertThat(alice.path("is_active").asBoolean()).isTrue();
        assertThat(alice.path("is_leader").asBoolean()).isTrue();
        assertThat(alice.path("roles").findValuesAsString("role"))
                .containsExactly("tenant_admin", "developer", "viewer");
        assertThat(alice.path("roles").get(0).path("on").path("tenant").asString())
                .isEqualTo("acme");
        assertThat(alice.path("roles").get(0).path("on").path("name").asString())
                .isEqualTo("Acme Corp");
    }

    @Test
    void meRefusesTokensTheDemoProviderDidNotIssueOrThatExpired() throws Exception {
        var otherKey = new RSAKeyGenerator(2048).generate();
        var forged = new SignedJWT(
                new JWSHeader(JWSAlgorithm.RS256),
                new JWTClaimsSet.Builder()
                        .issuer(roster.getBean(DemoKeys.class).issuer())
                        .subject("demo-alice")
                        .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                        .build());
        forged.sign(new RSASSASigner(otherKey));
        DemoKeys keys = roster.getBean(DemoKeys.class);
        String expired = keys.sign(new JWTClaimsSet.Builder()
                .issuer(keys.issuer())
                .subject("demo-alice")
                .expirationTime(Date.from(Instant.now().minusSeconds(60)))
                .build());
        String otherIssuer = keys.sign(new JWTClaimsSet.Builder()
                .issuer("https://elsewhere.example")
                .subject("demo-alice")
                .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .build());

        for (String token : new String[] {forged.serialize(), expired, otherIssuer, "not-a-jwt"}) {
            Http.Response response = http.get("/demo/directory/api/v1/users/me", token);
            assertThat(response.status()).as(response.body()).isEqualTo(401);
            assertThat(response.contentType()).isEqualTo("application/problem+json");
            assertThat(response.body()).doesNotContain("Anderson");
        }
        assertThat(http.get("/demo/directory/api/v1/users/me", expired)
                        .json()
                        .path("code")
                        .asString())
                .isEqualTo("token_expired");
        Http.Response none = http.get("/demo/directory/api/v1/users/me", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().path("code").asString()).isEqualTo("token_missing");
    }

    @Test
    void fetchByIdNeedsTheApiKeyAndAnswers404ForAnUnknownId() {
        Http.Response bob = api("/users/demo-bob", apiKey);
        assertThat(bob.status()).isEqualTo(200);
        assertThat(bob.json().path("email").asString()).isEqualTo("bob@example.com");
        assertThat(bob.json().path("reports_to").asString()).isEqualTo("demo-alice");

        Http.Response without = api("/users/demo-bob", null);
        assertThat(without.status()).isEqualTo(401);
        assertThat(without.header("WWW-Authenticate")).contains("X-API-Key");
        assertThat(without.body()).doesNotContain("Brown");
        Http.Response wrong = api("/users/demo-bob", apiKey + "x");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().path("code").asString()).isEqualTo("invalid_token");
        assertThat(wrong.body()).doesNotContain("Brown");

        Http.Response unknown = api("/users/demo-mallory", apiKey);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).isEqualTo("application/problem+json");
    }

    @Test
    void searchMatchesEmailUsernameAndNamesInAnyCaseOrderedByEmail() {
        assertThat(emails(api("/users/search?q=ANDER", apiKey))).containsExactly("alice@example.com");
        assertThat(emails(api("/users/search?q=ca", apiKey))).containsExactly("carol@example.com");
        assertThat(emails(api("/users/search?q=diaz", apiKey))).containsExactly("dave@example.com");
        assertThat(emails(api("/users/search?q=example.com&limit=2", apiKey)))
                .containsExactly("admin@example.com", "alice@example.com");
        assertThat(emails(api("/users/search?q=", apiKey))).hasSize(5);
        assertThat(emails(api("/users/search?q=100%25", apiKey))).isEmpty();
        assertThat(emails(api("/users/search?q=zzz&limit=1000", apiKey))).isEmpty();
        assertThat(api("/users/search?q=ali", null).status()).isEqualTo(401);
        assertThat(api("/users/search?q=ali&limit=0", apiKey).status()).isEqualTo(400);
    }

    @Test
    void searchAtScaleIsServedByTheTrigramIndex() {
        post("/demo/directory/users:generate", "{\"count\": 20000}");
        var jdbc = roster.getBean(JdbcClient.class);

        String plan = String.join(
                "\n",
                jdbc.sql("EXPLAIN " + DirectoryUsers.SEARCH)
                        .param("pattern", "%anderson%")
                        .param("limit", 20)
                        .query(String.class)
                        .list());

        assertThat(plan).contains("demo_directory_users_search_idx").doesNotContain("Seq Scan");
    }

    @Test
    void rolesChangedUpstreamShowInFetchAndInAFreshIdToken() {
        Http.Response put = http.putJson(
                "/demo/directory/users/Carol@Example.com/roles",
                null,
                "[{\"role\": \"viewer\", \"tenant\": \"initech\"}, {\"role\": \"developer\", \"tenant\": \"newco\"}]");
        assertThat(put.status()).as(put.body()).isEqualTo(204);

        JsonNode roles = api("/users/demo-carol", apiKey).json().path("roles");
        assertThat(roles.findValuesAsString("role")).containsExactly("viewer", "developer");
        assertThat(roles.findValuesAsString("name")).containsExactly("Initech", "newco");

        JsonNode claims = claims(idToken("carol@example.com"));
        assertThat(claims.path("sub").asString()).isEqualTo("demo-carol");
        assertThat(claims.path("roster_roles").findValuesAsString("role")).containsExactly("viewer", "developer");
        assertThat(claims.path("roster_roles").findValuesAsString("id")).containsExactly("initech", "newco");
    }

    @Test
    void rosterWritesMembershipsBackWithTheApiKey() {
        var put = http.request("/demo/directory/api/v1/users/demo-dave/roles/acme", null)
                .header("X-API-Key", apiKey)
                .header("Idempotency-Key", "k-1")
                .header("Content-Type", "application/json");
        assertThat(http.send(put.PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"role\":\"operator\"}")))
                        .status())
                .isEqualTo(200);
        JsonNode roles = api("/users/demo-dave", apiKey).json().path("roles");
        assertThat(roles.toString()).contains("\"role\":\"operator\"").contains("\"tenant\":\"acme\"");

        var delete = http.request("/demo/directory/api/v1/users/demo-dave/roles/acme", null)
                .header("X-API-Key", apiKey)
                .header("Idempotency-Key", "k-2");
        assertThat(http.send(delete.DELETE()).status()).isEqualTo(204);
        assertThat(api("/users/demo-dave", apiKey).json().path("roles").toString())
                .doesNotContain("\"tenant\":\"acme\"");
        // Gone already, and without the key.
        var again = http.request("/demo/directory/api/v1/users/demo-dave/roles/acme", null)
                .header("X-API-Key", apiKey);
        assertThat(http.send(again.DELETE()).status()).isEqualTo(404);
        var keyless = http.request("/demo/directory/api/v1/users/demo-dave/roles/acme", null);
        assertThat(http.send(keyless.DELETE()).status()).isEqualTo(401);
    }

    @Test
    void writeBackToTheSimulatorIsOnUnlessTurnedOff() throws Exception {
        assertThat(upstreamTargetsOf(roster, "membership.assigned")).containsExactly("upstream");

        ConfigurableApplicationContext withoutWriteBack = DevModeRoster.start(
                Files.createTempDirectory("roster-no-write-back"), Map.of("roster.demo.directory-write-back", "false"));
        try {
            assertThat(upstreamTargetsOf(withoutWriteBack, "membership.assigned"))
                    .isEmpty();
        } finally {
            withoutWriteBack.close();
        }
    }

    /** Where the outbox's upstream target sends a local change of {@code type} in {@code context}. */
    private static java.util.List<String> upstreamTargetsOf(ConfigurableApplicationContext context, String type) {
        return context.getBeansOfType(dev.roster.outbox.OutboxTarget.class).values().stream()
                .filter(target -> target.kind().equals("upstream"))
                .flatMap(target -> target.targetsFor(type, dev.roster.outbox.Origin.LOCAL).stream())
                .toList();
    }

    @Test
    void inDevModeRosterPullsFromTheSimulatorAndARoleChangedUpstreamShows() {
        Http.Response tokens = http.postForm(
                "/v1/auth/token",
                Http.form(
                        "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange",
                        "subject_token_type", "urn:ietf:params:oauth:token-type:id_token",
                        "subject_token", idToken("bob@example.com")));
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        assertThat(http.putJson(
                                "/demo/directory/users/bob@example.com/roles",
                                null,
                                "[{\"role\": \"operator\", \"tenant\": \"globex\"}]")
                        .status())
                .isEqualTo(204);
        // As if bob's roles were synced longer ago than the TTL.
        roster.getBean(JdbcClient.class)
                .sql("UPDATE users SET last_roles_sync_at = now() - interval '1 hour' WHERE email = 'bob@example.com'")
                .update();
        String userId = roster.getBean(JdbcClient.class)
                .sql("SELECT id::text FROM users WHERE email = 'bob@example.com'")
                .query(String.class)
                .single();
        roster.getBean(dev.roster.sync.DirectoryPull.class)
                .sync(
                        java.util.UUID.fromString(userId),
                        dev.roster.sync.SyncTrigger.ADMIN,
                        true,
                        dev.roster.sync.UserSync.Options.APPLY);

        Http.Response refreshed = http.postForm(
                "/v1/auth/token",
                Http.form(
                        "grant_type",
                        "refresh_token",
                        "refresh_token",
                        tokens.json().path("refresh_token").asString()));
        assertThat(refreshed.status()).isEqualTo(200);
        JsonNode me = http.get("/v1/me", refreshed.json().path("access_token").asString())
                .json();
        assertThat(me.path("memberships").findValuesAsString("slug")).containsExactly("globex");
        assertThat(me.path("memberships").findValuesAsString("role")).containsExactly("operator");
    }

    @Test
    void changingRolesOfAnUnknownUserIs404AndAMalformedBody400() {
        assertThat(http.putJson("/demo/directory/users/mallory@example.com/roles", null, "[]")
                        .status())
                .isEqualTo(404);

        for (String body : new String[] {
            "{\"role\": \"viewer\"",
            "{\"role\": \"viewer\", \"tenant\": \"acme\"}",
            "[{\"role\": \"viewer\"}]",
            "[{\"role\": \"viewer\", \"tenant\": \"acme\", \"extra\": 1}]",
            "[{\"role\": 7, \"tenant\": \"acme\"}]"
        }) {
            Http.Response response = http.putJson("/demo/directory/users/alice@example.com/roles", null, body);
            assertThat(response.status()).as(body).isEqualTo(400);
            assertThat(response.contentType()).isEqualTo("application/problem+json");
            assertThat(response.json().path("code").asString()).isIn("malformed_body", "invalid_field");
        }
        assertThat(api("/users/demo-alice", apiKey).json().path("roles").size()).isEqualTo(3);
    }

    @Test
    void latencyDelaysEveryDirectoryAnswer() {
        Http.Response set = http.putJson("/demo/directory/faults", null, "{\"latency_ms\": 300}");
        assertThat(set.json().path("latency_ms").asInt()).isEqualTo(300);
        assertThat(http.get("/demo/directory/faults", null)
                        .json()
                        .path("latency_ms")
                        .asInt())
                .isEqualTo(300);

        long start = System.nanoTime();
        Http.Response bob = api("/users/demo-bob", apiKey);

        assertThat(bob.status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void anErrorRateOfOneFailsEveryDirectoryAnswer() {
        http.putJson("/demo/directory/faults", null, "{\"error_rate\": 1.0}");

        Http.Response bob = api("/users/demo-bob", apiKey);
        assertThat(bob.status()).isEqualTo(500);
        assertThat(bob.json().path("code").asString()).isEqualTo("internal_error");
        assertThat(api("/users/search?q=bob", apiKey).status()).isEqualTo(500);
    }

    @Test
    void anOutageIs503WithRetryAfterWhileSignInKeepsWorking() {
        http.putJson("/demo/directory/faults", null, "{\"outage\": true}");

        for (Http.Response response : new Http.Response[] {
            api("/users/demo-bob", apiKey),
            api("/users/search?q=bob", apiKey),
            http.get("/demo/directory/api/v1/users/me", idToken("bob@example.com"))
        }) {
            assertThat(response.status()).isEqualTo(503);
            assertThat(response.header("Retry-After")).isEqualTo("5");
            assertThat(response.json().path("code").asString()).isEqualTo("upstream_unavailable");
        }
        assertThat(http.postForm("/demo/token", Http.form("email", "bob@example.com"))
                        .status())
                .isEqualTo(200);

        http.putJson("/demo/directory/faults", null, "{}");
        assertThat(api("/users/demo-bob", apiKey).status()).isEqualTo(200);
    }

    @Test
    void invalidFaultsAre400AndChangeNothing() {
        for (String body :
                new String[] {"{\"error_rate\": 1.5}", "{\"latency_ms\": -1}", "{\"outage\": \"yes\"}", "{\"x\": 1}"}) {
            Http.Response response = http.putJson("/demo/directory/faults", null, body);
            assertThat(response.status()).as(body).isEqualTo(400);
            assertThat(response.contentType()).isEqualTo("application/problem+json");
        }
        assertThat(http.get("/demo/directory/faults", null)
                        .json()
                        .path("error_rate")
                        .asDouble())
                .isZero();
    }

    @Test
    void generatedUsersAreServedCountedAndSignedIn() {
        Http.Response generated = post(
                "/demo/directory/users:generate",
                "{\"count\": 1000, \"prefix\": \"gen\", \"domain\": \"bench.example.com\", \"roles_per_user\": 2,"
                        + " \"tenants\": 10}");
        assertThat(generated.status()).as(generated.body()).isEqualTo(200);
        assertThat(generated.json().path("created").asInt()).isEqualTo(1000);
        assertThat(http.get("/demo/directory/stats", null).json().path("users").asLong())
                .isEqualTo(1005);

        JsonNode user = api("/users/gen42@bench.example.com", apiKey).json();
        assertThat(user.path("id").asString()).isEqualTo("gen42@bench.example.com");
        assertThat(user.path("reports_to").asString()).isEqualTo("gen4@bench.example.com");
        assertThat(user.path("roles").size()).isEqualTo(2);
        assertThat(user.path("roles").findValuesAsString("tenant")).doesNotHaveDuplicates();

        JsonNode claims = claims(idToken("gen42@bench.example.com"));
        assertThat(claims.path("sub").asString()).isEqualTo("gen42@bench.example.com");
        assertThat(claims.path("roster_roles").size()).isEqualTo(2);

        Http.Response again = post(
                "/demo/directory/users:generate",
                "{\"count\": 1000, \"prefix\": \"gen\","
                        + " \"domain\": \"bench.example.com\", \"roles_per_user\": 2, \"tenants\": 10}");
        assertThat(again.json().path("created").asInt()).isZero();
        assertThat(again.json().path("users").asLong()).isEqualTo(1005);
    }

    @Test
    void statsCountWhatTheDirectoryApiReceivedUntilReset() {
        api("/users/demo-bob", apiKey);
        api("/users/demo-bob", null);
        api("/users/search?q=a", apiKey);
        http.get("/demo/directory/api/v1/users/me", idToken("alice@example.com"));

        JsonNode requests = http.get("/demo/directory/stats", null).json().path("requests");
        assertThat(requests.path("me").asLong()).isEqualTo(1);
        assertThat(requests.path("fetch").asLong()).isEqualTo(2);
        assertThat(requests.path("search").asLong()).isEqualTo(1);

        assertThat(http.delete("/demo/directory/stats", null).status()).isEqualTo(204);
        assertThat(http.get("/demo/directory/stats", null)
                        .json()
                        .path("requests")
                        .path("fetch")
                        .asLong())
                .isZero();
    }

    @Test
    void theDirectoryAnswersLoopbackClientsOnlyNotThroughAProxy() {
        for (String path : new String[] {"/demo/directory/api/v1/users/demo-bob", "/demo/directory/stats"}) {
            Http.Response proxied = http.send(http.request(path, null)
                    .header("X-API-Key", apiKey)
                    .header("X-Forwarded-For", "203.0.113.7")
                    .GET());
            assertThat(proxied.status()).isEqualTo(404);
            assertThat(proxied.body()).doesNotContain("Brown");
        }
        Http.Response proxiedKnob = http.send(http.request("/demo/directory/faults", null)
                .header("Content-Type", "application/json")
                .header("Forwarded", "for=203.0.113.7")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"outage\": true}")));
        assertThat(proxiedKnob.status()).isEqualTo(404);
        assertThat(http.get("/demo/directory/faults", null)
                        .json()
                        .path("outage")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void theAccessBeanNamesThisServersDirectory() {
        var access = roster.getBean(DemoDirectoryAccess.class);

        assertThat(access.baseUrl()).isEqualTo(DevModeRoster.baseUrl(roster) + "/demo/directory");
        assertThat(access.apiKey()).hasSizeGreaterThanOrEqualTo(32);
    }

    @Test
    void startUpSettingsSetTheInitialFaults() {
        var faults = new DirectoryFaults(new DemoSettings(false, null, Duration.ofMillis(250), true, true));

        assertThat(faults.current()).isEqualTo(new Faults(250, 0.0, true));
    }

    private static Http.Response api(String path, @Nullable String key) {
        var request = http.request("/demo/directory/api/v1" + path, null);
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return http.send(request.GET());
    }

    private static Http.Response post(String path, String json) {
        return http.postJson(path, null, json, Map.of());
    }

    private static String idToken(String email) {
        Http.Response response = http.postForm("/demo/token", Http.form("email", email));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().path("id_token").asString();
    }

    private static JsonNode claims(String jwt) {
        return JSON.readTree(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    private static java.util.List<String> emails(Http.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().path("users").findValuesAsString("email");
    }
}
