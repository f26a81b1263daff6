package dev.roster.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/** Dev mode with no upstream configured: the quickstart's three curl lines, done by a test. */
class DemoUpstreamTests {

    static ConfigurableApplicationContext roster;
    static Http http;
    static Path home;

    @BeforeAll
    static void startInDevMode() throws Exception {
        home = Files.createTempDirectory("roster-demo");
        roster = DevModeRoster.start(home, Map.of());
        http = new Http(DevModeRoster.baseUrl(roster));
    }

    @AfterAll
    static void stop() {
        roster.close();
    }

    @Test
    void aliceSignsInThroughTheDemoProviderAndSeesHerTenants() {
        Http.Response idToken = http.postForm("/demo/token", Http.form("email", "alice@example.com"));
        assertThat(idToken.status()).isEqualTo(200);
        assertThat(idToken.header("Cache-Control")).isEqualTo("no-store");

        Http.Response tokens = http.postForm(
                "/v1/auth/token",
                Http.form(
                        "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange",
                        "subject_token_type", "urn:ietf:params:oauth:token-type:id_token",
                        "subject_token", idToken.json().path("id_token").asString()));
        assertThat(tokens.status()).isEqualTo(200);

        JsonNode me = http.get("/v1/me", tokens.json().path("access_token").asString())
                .json();
        assertThat(me.path("email").asString()).isEqualTo("alice@example.com");
        assertThat(me.path("first_name").asString()).isEqualTo("Alice");
        assertThat(me.path("memberships").findValuesAsString("role"))
                .containsExactly("tenant_admin", "developer", "viewer");
        assertThat(me.path("memberships").findValuesAsString("name")).containsExactly("Acme Corp", "Globex", "Initech");
    }

    @Test
    void devModeServesMetricsOnALoopbackManagementPortOnly() throws Exception {
        int managementPort = Integer.parseInt(roster.getEnvironment().getProperty("local.management.port"));
        var metrics = new Http("http://127.0.0.1:" + managementPort).get("/actuator/prometheus", null);

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(http.get("/actuator/prometheus", null).status()).isEqualTo(404);
        assertThat(roster.getEnvironment().getProperty("management.server.address"))
                .isEqualTo("127.0.0.1");
    }

    @Test
    void anUnknownDemoUserIsA404ThatNamesTheKnownOnes() {
        Http.Response response = http.postForm("/demo/token", Http.form("email", "mallory@example.com"));

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().path("code").asString()).isEqualTo("demo_user_not_found");
        assertThat(response.json().path("detail").asString()).contains("alice@example.com");
    }

    @Test
    void aRequestThroughAProxyIsNotLocalEvenFromLoopback() {
        Http.Response proxied = http.send(http.request("/demo/token", null)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Forwarded-For", "203.0.113.7")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("email=alice@example.com")));

        assertThat(proxied.status()).isEqualTo(404);
        assertThat(proxied.body()).doesNotContain("id_token");
    }

    @Test
    void devModeKeepsItsKeyEncryptionKeyInAnOwnerOnlyFile() throws Exception {
        Path key = home.resolve("key-encryption.key");

        assertThat(key).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");
    }
}
