package dev.roster.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plain HTTP client against a running Roster: tests see exactly what a user sees (status, headers, body). */
public final class Http {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public Http(String base) {
        this.base = base;
    }

    public record Response(int status, HttpResponse<String> raw) {
        public JsonNode json() {
            return JSON.readTree(raw.body());
        }

        public String body() {
            return raw.body();
        }

        public @Nullable String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public String contentType() {
            return raw.headers().firstValue("Content-Type").orElse("");
        }
    }

    public Response get(String path, @Nullable String bearer) {
        return send(request(path, bearer).GET());
    }

    public Response postForm(String path, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(request(path, null)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response postJson(String path, @Nullable String bearer, String json, Map<String, String> headers) {
        var r = request(path, bearer).header("Content-Type", "application/json");
        headers.forEach(r::header);
        return send(r.POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response post(String path, @Nullable String bearer) {
        return send(request(path, bearer).POST(HttpRequest.BodyPublishers.noBody()));
    }

    public Response patchJson(String path, @Nullable String bearer, String json) {
        return send(request(path, bearer)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response putJson(String path, @Nullable String bearer, String json) {
        return send(request(path, bearer)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response patchJson(String path, @Nullable String bearer, String json, Map<String, String> headers) {
        var r = request(path, bearer).header("Content-Type", "application/json");
        headers.forEach(r::header);
        return send(r.method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response delete(String path, @Nullable String bearer) {
        return send(request(path, bearer).DELETE());
    }

    /** Any method, with an optional JSON body. */
    public Response call(String method, String path, @Nullable String bearer, @Nullable String json) {
        var r = request(path, bearer);
        if (json == null) {
            return send(r.method(method, HttpRequest.BodyPublishers.noBody()));
        }
        return send(
                r.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path, @Nullable String bearer) {
        var r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (bearer != null) {
            r.header("Authorization", "Bearer " + bearer);
        }
        return r;
    }

    public static Map<String, String> form(String... keyValues) {
        var m = new LinkedHashMap<String, String>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
