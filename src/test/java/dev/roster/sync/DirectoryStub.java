package dev.roster.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.json.JsonMapper;

/** A REST directory played by WireMock: real HTTP, real faults. One per test JVM, shared by the sync tests. */
final class DirectoryStub {

    static final String API_KEY = "sync-test-key";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static final WireMockServer server = new WireMockServer(options().dynamicPort());

    static {
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
    }

    private DirectoryStub() {}

    /** Points a Roster at the stub, with small timeouts and no circuit breaker surprises between tests. */
    static void register(DynamicPropertyRegistry registry) {
        properties().forEach((k, v) -> registry.add(k, () -> v));
    }

    static Map<String, String> properties() {
        return Map.ofEntries(
                Map.entry("roster.directory.base-url", server.baseUrl()),
                Map.entry("roster.directory.api-key", API_KEY),
                Map.entry("roster.directory.read-timeout", "2s"),
                Map.entry("roster.directory.retry.max-attempts", "2"),
                Map.entry("roster.directory.retry.initial-wait", "10ms"),
                Map.entry("roster.directory.circuit-breaker.minimum-calls", "1000000"),
                Map.entry("roster.directory.circuit-breaker.sliding-window", "1000000"),
                Map.entry("roster.sync.sweep.enabled", "false"),
                Map.entry("roster.sync.error-backoff", "0s"),
                Map.entry("roster.sync.max-deprovisions-per-hour", "3"),
                Map.entry("roster.sync.budget.rate", "1000"));
    }

    /** The directory's representation of a user holding {@code roleTenantPairs} (role, tenant key, …). */
    static String user(String id, String email, boolean active, Object... roleTenantPairs) {
        List<Map<String, Object>> roles = new ArrayList<>();
        for (int i = 0; i < roleTenantPairs.length; i += 2) {
            roles.add(Map.of("role", roleTenantPairs[i], "on", Map.of("tenant", roleTenantPairs[i + 1])));
        }
        return JSON.writeValueAsString(Map.of(
                "id",
                id,
                "email",
                email,
                "first_name",
                "First",
                "last_name",
                "Last",
                "division",
                "Engineering",
                "department",
                "Platform",
                "is_active",
                active,
                "roles",
                roles));
    }

    static void answer(String id, ResponseDefinitionBuilder response) {
        server.stubFor(get(urlPathEqualTo("/api/v1/users/" + id))
                .withHeader("X-API-Key", equalTo(API_KEY))
                .willReturn(response));
    }

    static void holds(String id, String email, Object... roleTenantPairs) {
        answer(id, okJson(user(id, email, true, roleTenantPairs)));
    }

    /**
     * The platform admin the tests sign in as exists upstream, with no roles: their sign-in (a token without roles)
     * schedules a pull, which must not find them gone.
     */
    static void knowsThePlatformAdmin() {
        holds("root-admin", dev.roster.support.TestInfrastructure.ADMIN_EMAIL);
    }

    static void gone(String id) {
        answer(id, aResponse().withStatus(404));
    }

    static int fetches(String id) {
        return server.countRequestsMatching(
                        getRequestedFor(urlPathEqualTo("/api/v1/users/" + id)).build())
                .getCount();
    }

    static int fetches() {
        return server.countRequestsMatching(
                        getRequestedFor(urlPathMatching("/api/v1/users/[^/]+")).build())
                .getCount();
    }

    static void reset() {
        server.resetAll();
    }
}
