package dev.roster.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Signs users in the way a client does: an ID token from the demo identity provider ({@code POST /demo/token}),
 * exchanged for Roster's access and refresh tokens ({@code POST /v1/auth/token}, RFC 8693).
 */
final class SignIns {

    private static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    private static final String ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int PARALLELISM = 8;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Roster's tokens for one user. */
    record Tokens(String accessToken, String refreshToken) {

        /** Size of the access token's decoded JWT payload (the claims JSON), in bytes. */
        int payloadBytes() {
            return Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]).length;
        }
    }

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final String baseUrl;

    SignIns(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    Tokens signIn(String email) throws IOException, InterruptedException {
        String idToken =
                post("/demo/token", Map.of("email", email)).path("id_token").asString();
        JsonNode tokens = post(
                "/v1/auth/token",
                Map.of("grant_type", TOKEN_EXCHANGE, "subject_token_type", ID_TOKEN, "subject_token", idToken));
        return new Tokens(
                tokens.path("access_token").asString(),
                tokens.path("refresh_token").asString());
    }

    /** Signs in every email, {@value #PARALLELISM} at a time; the tokens in the same order. */
    List<Tokens> signInAll(List<String> emails) throws InterruptedException, IOException {
        try (var pool = Executors.newFixedThreadPool(PARALLELISM)) {
            var futures = new ArrayList<Future<Tokens>>(emails.size());
            for (String email : emails) {
                futures.add(pool.submit(() -> signIn(email)));
            }
            var tokens = new ArrayList<Tokens>(emails.size());
            for (Future<Tokens> future : futures) {
                try {
                    tokens.add(future.get());
                } catch (ExecutionException e) {
                    pool.shutdownNow();
                    throw new IOException("a sign-in failed: " + e.getCause().getMessage(), e.getCause());
                }
            }
            return tokens;
        }
    }

    private JsonNode post(String path, Map<String, String> form) throws IOException, InterruptedException {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        var request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
