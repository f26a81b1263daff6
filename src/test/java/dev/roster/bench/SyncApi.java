package dev.roster.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Roster's directory sync as a platform admin sees it (docs/sync.md): {@code GET /v1/sync/status} and the
 * force-sync {@code POST /v1/users/sync}.
 */
final class SyncApi {

    /** Users per force-sync request: Roster's limit. */
    static final int MAX_USERS_PER_SYNC = 100;

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What {@code GET /v1/sync/status} answers, the parts the benchmarks read. */
    record Status(boolean directoryConfigured, String provider, long staleUsers, JsonNode lastSweep) {}

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String baseUrl;
    private final String adminToken;

    /** {@code adminToken}: an access token of a platform admin. */
    SyncApi(String baseUrl, String adminToken) {
        this.baseUrl = baseUrl;
        this.adminToken = adminToken;
    }

    Status status() throws IOException, InterruptedException {
        JsonNode status = send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/sync/status"))
                .GET()
                .build());
        return new Status(
                status.path("directory_configured").asBoolean(),
                status.path("provider").asString(),
                status.path("stale_users").asLong(),
                status.path("last_sweep"));
    }

    /**
     * Syncs the users with these directory ids now, ignoring the TTL ({@code force}), {@value #MAX_USERS_PER_SYNC}
     * per request; answers how many ended in each outcome ({@code changed}, {@code unchanged}, ...).
     */
    Map<String, Integer> forceSync(List<String> externalIds) throws IOException, InterruptedException {
        var outcomes = new TreeMap<String, Integer>();
        for (int from = 0; from < externalIds.size(); from += MAX_USERS_PER_SYNC) {
            List<String> chunk = externalIds.subList(from, Math.min(externalIds.size(), from + MAX_USERS_PER_SYNC));
            String body = JSON.writeValueAsString(Map.of("external_ids", chunk, "force", true));
            JsonNode answer = send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/users/sync"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build());
            for (JsonNode result : answer.path("results")) {
                outcomes.merge(result.path("outcome").asString(), 1, Integer::sum);
            }
            int errors = answer.path("errors").size();
            if (errors > 0) {
                outcomes.merge("not_found", errors, Integer::sum);
            }
        }
        return outcomes;
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpRequest authorized = HttpRequest.newBuilder(request, (name, value) -> true)
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + adminToken)
                .build();
        HttpResponse<String> response = http.send(authorized, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(request.method() + " " + request.uri().getPath() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
