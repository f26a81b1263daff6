package dev.roster.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** What operators and API clients rely on besides the API itself: health, metrics, OpenAPI, uniform errors. */
class OperationsTests extends IntegrationTest {

    @Test
    void readinessIncludesTheDatabase() {
        Http.Response readiness = management.get("/actuator/health/readiness", null);
        Http.Response liveness = management.get("/actuator/health/liveness", null);

        assertThat(readiness.status()).isEqualTo(200);
        assertThat(readiness.json().path("status").asString()).isEqualTo("UP");
        assertThat(readiness.json().path("components").has("db")).isTrue();
        assertThat(liveness.status()).isEqualTo(200);
        assertThat(management.get("/actuator/health", null).body()).contains("\"status\":\"UP\"");
    }

    @Test
    void probesAnswerOnTheApiPortForProbesThatOnlyReachIt() {
        Http.Response readiness = http.get("/readyz", null);
        Http.Response liveness = http.get("/livez", null);

        assertThat(readiness.status()).isEqualTo(200);
        assertThat(readiness.json().path("status").asString()).isEqualTo("UP");
        assertThat(liveness.status()).isEqualTo(200);
        assertThat(liveness.json().path("status").asString()).isEqualTo("UP");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/actuator/metrics", "/actuator/prometheus", "/actuator/health", "/actuator"})
    void theApiPortServesNothingOperationalBeyondTheProbes(String path) {
        Http.Response response = http.get(path, null);

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("code").asString()).isEqualTo("not_found");
        assertThat(response.body()).doesNotContain("http.server.requests");
    }

    @Test
    void theDatabaseIsAVisibleHealthComponentOnTheManagementPort() {
        Http.Response db = management.get("/actuator/health/db", null);

        assertThat(db.status()).isEqualTo(200);
        assertThat(db.json().path("status").asString()).isEqualTo("UP");
        // Details only on the (internal) management port; the probes on the API port answer statuses only.
        assertThat(db.json().path("details").has("database")).isTrue();
        assertThat(http.get("/readyz", null).body()).doesNotContain("details").doesNotContain("PostgreSQL");
        assertThat(management.get("/actuator/metrics", null).status()).isEqualTo(200);
    }

    @Test
    void prometheusExposesRequestTimingsAndCachesWithoutUserIds() {
        String token = signIn("ops", "ops@example.com").path("access_token").asString();
        http.get("/v1/me", token);

        Http.Response metrics = management.get("/actuator/prometheus", null);

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("http_server_requests_seconds_bucket")
                .contains("uri=\"/v1/me\"")
                .contains("cache_gets_total{cache=\"me\"")
                .doesNotContain("ops@example.com");
    }

    @Test
    void openApiDescribesTheApi() {
        Http.Response docs = http.get("/v3/api-docs", null);

        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.json().path("paths").has("/v1/me")).isTrue();
        assertThat(docs.json().path("paths").has("/v1/auth/token")).isTrue();
        // The caller comes from the token, never a parameter; the only parameter a read takes is min_version.
        assertThat(docs.json().path("paths").path("/v1/me").path("get").path("parameters"))
                .singleElement()
                .satisfies(p -> assertThat(p.path("name").asString()).isEqualTo("min_version"));
    }

    @Test
    void openApiListsTheProblemCodesOfEveryRouteByStatus() {
        JsonNode paths = http.get("/v3/api-docs", null).json().path("paths");

        JsonNode assign = paths.path("/v1/tenants/{tenantId}/members/{userId}").path("put");
        assertThat(assign.path("responses").path("404").path("description").asString())
                .contains("`tenant_not_found`")
                .contains("`user_not_found`");
        assertThat(assign.path("responses").path("409").path("description").asString())
                .contains("`last_platform_admin`");
        assertThat(assign.path("responses").path("403").path("description").asString())
                .contains("`role_required`");
        assertThat(assign.path("responses").path("401").path("description").asString())
                .contains("`session_ended`");
        assertThat(assign.path("requestBody")
                        .path("content")
                        .path("application/json")
                        .toString())
                .contains("RoleAssignment");
        assertThat(paths.path("/v1/tenants/{tenantId}")
                        .path("patch")
                        .path("responses")
                        .path("412")
                        .toString())
                .contains("`version_conflict`");
        assertThat(paths.path("/v1/users")
                        .path("get")
                        .path("responses")
                        .path("409")
                        .toString())
                .contains("`stale_read`");
        // Every /v1 operation documents its 401s, or is open.
        paths.properties().forEach(path -> {
            if (path.getKey().startsWith("/v1/") && !path.getKey().startsWith("/v1/auth/")) {
                path.getValue()
                        .properties()
                        .forEach(operation -> assertThat(
                                        operation.getValue().path("responses").has("401"))
                                .as("%s %s", operation.getKey(), path.getKey())
                                .isTrue());
            }
        });
    }

    @Test
    void everyErrorIsAProblemWithAStableCodeAndTheRequestId() {
        Http.Response unknownPath = http.get(
                "/v1/nothing-here",
                signIn("p", "p@example.com").path("access_token").asString());
        Http.Response wrongMethod =
                http.send(http.request("/v1/auth/token", null).DELETE());
        Http.Response malformedJson =
                http.postJson("/v1/auth/refresh", null, "{\"refresh_token\": [1,", Map.of("X-Request-Id", "trace-42"));

        assertThat(unknownPath.status()).isEqualTo(404);
        assertThat(unknownPath.json().path("code").asString()).isEqualTo("not_found");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.json().path("code").asString()).isEqualTo("method_not_allowed");
        assertThat(malformedJson.status()).isEqualTo(400);
        assertThat(malformedJson.contentType()).startsWith("application/problem+json");
        assertThat(malformedJson.json().path("code").asString()).isEqualTo("malformed_body");
        assertThat(malformedJson.json().path("request_id").asString()).isEqualTo("trace-42");
        assertThat(malformedJson.header("X-Request-Id")).isEqualTo("trace-42");
        for (var response : java.util.List.of(unknownPath, wrongMethod, malformedJson)) {
            assertThat(response.body())
                    .doesNotContain("Exception")
                    .doesNotContain("at dev.")
                    .doesNotContain("tools.jackson");
        }
    }

    @Test
    void aMalformedUrlThatTomcatRefusesItselfIsStillAProblem() throws Exception {
        // java.net.URI will not even build this request, so it goes over a raw socket.
        String response;
        try (var socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream()
                    .write("GET /v1/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }

        assertThat(response).startsWith("HTTP/1.1 400");
        assertThat(response).containsIgnoringCase("Content-Type: application/problem+json");
        assertThat(response)
                .contains("\"code\":\"bad_request\"")
                .doesNotContain("<html")
                .doesNotContain("Tomcat");
    }

    @Test
    void everyProblemIsUncacheableAndEvery401NamesAChallenge() {
        Http.Response unknownPath = http.get("/v1/nothing-here", null);
        Http.Response noToken = http.get("/v1/me", null);
        Http.Response badToken = http.get("/v1/me", "not-a-jwt");
        Http.Response badParameter = http.get("/v1/me/role?tenant_id=x", "not-a-jwt");
        Http.Response unknownRefresh =
                http.postJson("/v1/auth/refresh", null, "{\"refresh_token\":\"nope\"}", Map.of());
        Http.Response unknownCookie = http.send(http.request("/v1/auth/refresh", null)
                .header("Cookie", "roster_refresh_token=nope")
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));

        for (var response :
                java.util.List.of(unknownPath, noToken, badToken, badParameter, unknownRefresh, unknownCookie)) {
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.header("Cache-Control")).isEqualTo("no-store");
        }
        assertThat(noToken.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(badToken.header("WWW-Authenticate")).startsWith("Bearer error=\"invalid_token\"");
        assertThat(unknownRefresh.status()).isEqualTo(401);
        assertThat(unknownRefresh.header("WWW-Authenticate")).isEqualTo("RefreshToken error=\"invalid_refresh_token\"");
        assertThat(unknownCookie.status()).isEqualTo(401);
        assertThat(unknownCookie.header("WWW-Authenticate")).isEqualTo("RefreshToken error=\"invalid_refresh_token\"");
    }

    @Test
    void theDiscoveryDocumentIsCacheableLikeTheJwks() {
        Http.Response discovery = http.get("/.well-known/openid-configuration", null);

        assertThat(discovery.status()).isEqualTo(200);
        assertThat(discovery.header("Cache-Control")).contains("max-age=300").contains("public");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "GET /v1/%zz HTTP/1.1\r\nHost: x\r\n",
                "GET /v1/tenants%2fx HTTP/1.1\r\nHost: x\r\n",
                "GET /v1/me%00 HTTP/1.1\r\nHost: x\r\n",
                "GET /v1/me HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\n"
            })
    void requestsTomcatRefusesItselfCarryARequestIdAndNoStore(String head) throws Exception {
        String response = raw(head.replace("{big}", "b".repeat(20_000)) + "X-Request-Id: tomcat-7\r\n");

        assertThat(response).startsWith("HTTP/1.1 400");
        assertThat(response).containsIgnoringCase("Content-Type: application/problem+json");
        assertThat(response).containsIgnoringCase("Cache-Control: no-store");
        assertThat(response).contains("\"code\":\"bad_request\"");
        String id = response.lines()
                .filter(l -> l.regionMatches(true, 0, "X-Request-Id:", 0, 13))
                .map(l -> l.substring(13).trim())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no X-Request-Id in " + response));
        assertThat(response).contains("\"request_id\":\"" + id + "\"");
    }

    @Test
    void traceIsA405WithADocumentedCodeAndTheMethodsThePathReallyHas() {
        String bearer = signIn("t", "t@example.com").path("access_token").asString();
        Http.Response me = http.send(
                http.request("/v1/me", bearer).method("TRACE", java.net.http.HttpRequest.BodyPublishers.noBody()));
        Http.Response token = http.send(http.request("/v1/auth/token", null)
                .method("TRACE", java.net.http.HttpRequest.BodyPublishers.noBody()));
        Http.Response nowhere = http.send(http.request("/v1/nothing-here", bearer)
                .method("TRACE", java.net.http.HttpRequest.BodyPublishers.noBody()));

        assertThat(me.status()).isEqualTo(405);
        assertThat(me.contentType()).startsWith("application/problem+json");
        assertThat(me.json().path("code").asString()).isEqualTo("method_not_allowed");
        assertThat(me.header("Allow"))
                .contains("GET")
                .doesNotContain("POST")
                .doesNotContain("DELETE")
                .doesNotContain("TRACE");
        assertThat(token.status()).isEqualTo(405);
        assertThat(token.header("Allow")).contains("POST").doesNotContain("GET").doesNotContain("TRACE");
        assertThat(nowhere.status()).isEqualTo(404);
        assertThat(nowhere.json().path("code").asString()).isEqualTo("not_found");
        // Never an echo of the request (cross-site tracing).
        assertThat(me.contentType()).doesNotContain("message/http");
    }

    /** A request java.net.http would not send (or would correct), over a plain socket; answers the raw response. */
    private String raw(String head) throws Exception {
        try (var socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream()
                    .write((head + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void theServletErrorPageIsAProblemTooNotBootsDefaultJson() {
        Http.Response response = http.get("/error", null);

        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("code").asString()).isEqualTo("internal_error");
        assertThat(response.body()).doesNotContain("timestamp").doesNotContain("trace");
    }

    @Test
    void aBodyOverOneMebibyteIsRefusedBeforeItIsRead() {
        Http.Response response = http.postJson(
                "/v1/auth/refresh", null, "{\"refresh_token\":\"" + "x".repeat(1_100_000) + "\"}", Map.of());

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.json().path("code").asString()).isEqualTo("payload_too_large");
    }

    @Test
    void aChunkedBodyOverOneMebibyteIsRefusedAsItIsRead() {
        byte[] big = ("{\"refresh_token\":\"" + "x".repeat(1_100_000) + "\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // A publisher of unknown length makes the client send Transfer-Encoding: chunked.
        var chunked = java.net.http.HttpRequest.BodyPublishers.fromPublisher(
                java.net.http.HttpRequest.BodyPublishers.ofByteArray(big));

        Http.Response response = http.send(http.request("/v1/auth/refresh", null)
                .header("Content-Type", "application/json")
                .POST(chunked));

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.json().path("code").asString()).isEqualTo("payload_too_large");
    }

    @Test
    void pingAnswersWithoutAuthentication() {
        Http.Response response = http.get("/ping", null);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("status").asString()).isEqualTo("ok");
    }

    @Test
    void anOversizedFormIsRefusedWithoutA500() {
        Http.Response huge = http.postForm(
                "/v1/auth/token", Http.form("grant_type", "refresh_token", "refresh_token", "x".repeat(200_000)));

        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.json().path("code").asString()).isEqualTo("payload_too_large");
    }
}
