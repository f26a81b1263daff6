package dev.roster.connectors;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.roster.RosterApplication;
import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import dev.roster.support.TestInfrastructure;
import java.util.HashMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A whole Roster whose only upstream is a REST directory (WireMock): users sign in with the directory's tokens, each
 * token once, and get the roles the directory states.
 */
class RestDirectorySignInTests {

    private static final WireMockServer directory = new WireMockServer(options().dynamicPort());
    private static ConfigurableApplicationContext node;
    private static Http roster;
    private static Http management;

    @BeforeAll
    static void start() {
        directory.start();
        directory.stubFor(get(urlEqualTo("/api/v1/users/me")).atPriority(10).willReturn(status(401)));
        var properties = new HashMap<String, Object>(TestInfrastructure.rosterProperties());
        properties.remove("roster.oidc.issuer");
        properties.remove("roster.oidc.audience");
        properties.put("ROSTER_PORT", "0");
        properties.put("roster.directory.base-url", directory.baseUrl() + "/");
        properties.put("roster.directory.api-key", "test-api-key");
        node = new SpringApplicationBuilder(RosterApplication.class)
                .properties(properties)
                .run();
        roster = new Http("http://127.0.0.1:" + node.getEnvironment().getProperty("local.server.port"));
        management = new Http("http://127.0.0.1:" + node.getEnvironment().getProperty("local.management.port"));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        directory.stop();
    }

    @Test
    void aUserSignsInOnceWithTheDirectorysTokenAndHasTheRolesItStates() {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        String token = "tok-" + unique;
        directory.stubFor(get(urlEqualTo("/api/v1/users/me"))
                .withHeader("Authorization", equalTo("Bearer " + token))
                .willReturn(okJson("""
                        {"id": "dir-%1$s", "email": "Dir-%1$s@Example.com", "first_name": "Dee",
                         "department": "Platform", "is_active": true,
                         "roles": [{"role": "developer", "on": {"tenant": "dir-%1$s", "name": "Directory %1$s"}}]}
                        """.formatted(unique))));

        Http.Response signIn = exchange(token);
        Http.Response replay = exchange(token);
        Http.Response stranger = exchange("tok-nobody-knows");

        assertThat(signIn.status()).as(signIn.body()).isEqualTo(200);
        JsonNode me = roster.get("/v1/me", signIn.json().path("access_token").asString())
                .json();
        assertThat(me.path("email").asString()).isEqualTo("dir-" + unique + "@example.com");
        assertThat(me.path("memberships")).hasSize(1);
        assertThat(me.path("memberships").get(0).path("role").asString()).isEqualTo("developer");
        assertThat(me.path("memberships").get(0).path("name").asString()).isEqualTo("Directory " + unique);
        assertThat(node.getBean(JdbcClient.class)
                        .sql("SELECT provider FROM users WHERE external_id = :id")
                        .param("id", "dir-" + unique)
                        .query(String.class)
                        .single())
                .isEqualTo(directory.baseUrl());
        assertThat(replay.status()).isEqualTo(400);
        assertThat(stranger.status()).isEqualTo(400);
    }

    @Test
    void theUpstreamHealthNamesTheDirectory() {
        Http.Response health = management.get("/actuator/health/upstream", null);

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("details").path("directory").asString()).isEqualTo(directory.baseUrl());
    }

    private static Http.Response exchange(String token) {
        return roster.postForm(
                "/v1/auth/token",
                Http.form(
                        "grant_type",
                        IntegrationTest.TOKEN_EXCHANGE,
                        "subject_token_type",
                        "urn:ietf:params:oauth:token-type:access_token",
                        "subject_token",
                        token));
    }
}
