package dev.roster.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The knobs of the directory simulator a dev-mode Roster serves under {@code /demo/directory}
 * (docs/demo-upstream.md): its faults, a generated population, and its request counters. Loopback only, no
 * credential. Each node counts the requests it received itself, so a cluster's upstream load is the sum over its
 * nodes.
 */
final class Upstream {

    private static final Duration TIMEOUT = Duration.ofMinutes(5); // generating 100,000 users takes a few seconds
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What the directory API received since start-up or the last reset, by endpoint. */
    record Requests(long me, long fetch, long search) {

        Requests plus(Requests other) {
            return new Requests(me + other.me, fetch + other.fetch, search + other.search);
        }

        static final Requests NONE = new Requests(0, 0, 0);
    }

    /**
     * The directory API's faults: a delay before every answer, a share of answers that are {@code 500}s, and an
     * outage ({@code 503}, {@code Retry-After}).
     */
    record Faults(int latencyMs, double errorRate, boolean outage) {

        static final Faults NONE = new Faults(0, 0, false);

        /** E.g. {@code healthy}, {@code delayed 1000 ms}, {@code failing 20 %}, {@code down}. */
        String describe() {
            if (outage) {
                return latencyMs > 0 ? "down after " + latencyMs + " ms" : "down";
            }
            if (errorRate > 0) {
                String failing = "failing " + Math.round(errorRate * 100) + " %";
                return latencyMs > 0 ? failing + ", delayed " + latencyMs + " ms" : failing;
            }
            return latencyMs > 0 ? "delayed " + latencyMs + " ms" : "healthy";
        }
    }

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String baseUrl;

    /** The simulator of the Roster at {@code rosterBaseUrl}. */
    Upstream(String rosterBaseUrl) {
        this.baseUrl = rosterBaseUrl + "/demo/directory";
    }

    /**
     * Adds users {@code <prefix><i>@<domain>} for i = 1..count (id = email: who an open-directory sign-in is), each
     * with {@code rolesPerUser} roles; users that exist are left alone. Answers how many it created.
     */
    int generate(int count, String prefix, String domain, int rolesPerUser) throws IOException, InterruptedException {
        var body = new LinkedHashMap<String, Object>();
        body.put("count", count);
        body.put("prefix", prefix);
        body.put("domain", domain);
        body.put("roles_per_user", rolesPerUser);
        return send("POST", "/users:generate", body).path("created").asInt();
    }

    void setFaults(Faults faults) throws IOException, InterruptedException {
        send(
                "PUT",
                "/faults",
                Map.of("latency_ms", faults.latencyMs(), "error_rate", faults.errorRate(), "outage", faults.outage()));
    }

    Requests requests() throws IOException, InterruptedException {
        JsonNode requests = send("GET", "/stats", null).path("requests");
        return new Requests(
                requests.path("me").asLong(),
                requests.path("fetch").asLong(),
                requests.path("search").asLong());
    }

    void resetRequests() throws IOException, InterruptedException {
        send("DELETE", "/stats", null);
    }

    private JsonNode send(String method, String path, Object body) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(method + " /demo/directory" + path + " answered " + response.statusCode() + ": "
                    + response.body() + " (does this Roster serve the directory simulator? see docs/demo-upstream.md)");
        }
        return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }
}
