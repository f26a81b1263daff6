package dev.roster.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.roster.RosterApplication;
import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import dev.roster.support.TestInfrastructure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A configuration mistake must not look like an outage, and an outage must say when to come back. Each test starts a
 * Roster node of its own, pointed at an upstream the test controls.
 */
class IssuerCheckTests extends IntegrationTest {

    private @Nullable ConfigurableApplicationContext node;
    private @Nullable HttpServer upstream;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (upstream != null) {
            upstream.stop(0);
        }
    }

    @Test
    void anIssuerConfiguredWithATrailingSlashStopsStartUpNamingBothValues() {
        String issuer = TestInfrastructure.issuer();

        assertThatThrownBy(() -> start(issuer + "/"))
                .hasStackTraceContaining("ROSTER_OIDC_ISSUER is '" + issuer + "/'")
                .hasStackTraceContaining("names issuer '" + issuer + "'")
                .hasStackTraceContaining("trailing slash");
    }

    @Test
    void anUnreachableProviderDoesNotStopRosterAndSignInsAnswer503WithRetryAfter() throws IOException {
        Http roster = start("http://127.0.0.1:" + closedPort() + "/idp");

        Http.Response readiness = roster.get("/readyz", null);
        Http.Response upstreamHealth = management().get("/actuator/health/upstream", null);
        Http.Response signIn = exchange(roster);

        // Still ready: refresh and /v1/me do not need the provider.
        assertThat(readiness.status()).isEqualTo(200);
        assertThat(upstreamHealth.json().path("status").asString()).isEqualTo("UNKNOWN");
        assertThat(signIn.status()).isEqualTo(503);
        assertThat(signIn.json().path("error").asString()).isEqualTo("temporarily_unavailable");
        assertThat(signIn.header("Retry-After")).isNotNull();
        assertThat(Integer.parseInt(signIn.header("Retry-After"))).isBetween(1, 5);
    }

    @Test
    void aProviderThatComesBackNamingAnotherIssuerIsReportedDownAndSignInsAreNotAnOutage() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String issuer = "http://127.0.0.1:" + upstream.getAddress().getPort() + "/idp";
        var discovery = new java.util.concurrent.atomic.AtomicReference<@Nullable String>();
        upstream.createContext("/idp/.well-known/openid-configuration", exchange -> {
            String body = discovery.get();
            if (body == null) {
                exchange.sendResponseHeaders(503, -1);
            } else {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        upstream.start();
        Http roster = start(issuer); // the provider is down: Roster starts all the same

        discovery.set("{\"issuer\":\"" + issuer + "/\",\"jwks_uri\":\"" + issuer + "/jwks\"}");

        // Discovery is retried at most every 5 seconds after a failure, in the background of the health check.
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> management().get("/actuator/health/upstream", null).status() == 503);
        Http.Response upstreamHealth = management().get("/actuator/health/upstream", null);
        assertThat(upstreamHealth.json().path("status").asString()).isEqualTo("DOWN");
        // Not a reason to take the node out of the load balancer: everything but sign-in works.
        assertThat(roster.get("/readyz", null).status()).isEqualTo(200);
        assertThat(upstreamHealth.json().path("details").path("error").asString())
                .contains("ROSTER_OIDC_ISSUER is '" + issuer + "'")
                .contains("names issuer '" + issuer + "/'");
        Http.Response signIn = exchange(roster);
        assertThat(signIn.status()).isEqualTo(500);
        assertThat(signIn.json().path("error").asString()).isEqualTo("server_error");
        assertThat(signIn.json().path("error_description").asString()).contains("ROSTER_OIDC_ISSUER");
        assertThat(signIn.header("Retry-After")).isNull();
    }

    private Http management() {
        return new Http("http://127.0.0.1:" + node.getEnvironment().getProperty("local.management.port"));
    }

    private Http start(String issuer) {
        var properties = new HashMap<String, Object>(TestInfrastructure.rosterProperties());
        properties.put("ROSTER_PORT", "0");
        properties.put("roster.oidc.issuer", issuer);
        properties.put("roster.oidc.http-timeout", "2s");
        node = new SpringApplicationBuilder(RosterApplication.class)
                .properties(properties)
                .run();
        return new Http("http://127.0.0.1:" + node.getEnvironment().getProperty("local.server.port"));
    }

    private static Http.Response exchange(Http roster) {
        return roster.postForm(
                "/v1/auth/token",
                Http.form(
                        "grant_type", TOKEN_EXCHANGE,
                        "subject_token_type", ID_TOKEN_TYPE,
                        "subject_token", upstreamToken("ext-1", "a@example.com", Map.of())));
    }

    private static int closedPort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
