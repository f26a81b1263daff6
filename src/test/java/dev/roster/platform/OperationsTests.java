package dev.roster.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** What operators and API clients rely on besides the API itself: health, metrics, OpenAPI, uniform errors. */
class OperationsTests extends IntegrationTest {

    @Test
    void readinessIncludesTheDatabase() {
        Http.Response readiness = http.get("/actuator/health/readiness", null);
        Http.Response liveness = http.get("/actuator/health/liveness", null);

        assertThat(readiness.status()).isEqualTo(200);
        assertThat(readiness.json().path("status").asString()).isEqualTo("UP");
        assertThat(liveness.status()).isEqualTo(200);
        assertThat(http.get("/actuator/health", null).body()).contains("\"status\":\"UP\"");
    }

    @Test
    void prometheusExposesRequestTimingsAndCachesWithoutUserIds() {
        String token = signIn("ops", "ops@example.com").path("access_token").asString();
        http.get("/v1/me", token);

        Http.Response metrics = http.get("/actuator/prometheus", null);

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
