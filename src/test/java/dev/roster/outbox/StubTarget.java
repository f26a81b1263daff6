package dev.roster.outbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * A target of kind {@code stub} for the relay's tests: {@code stub:<name>} POSTs the event as JSON to
 * {@code <base>/<name>} (WireMock, real HTTP) with its id as {@code Idempotency-Key}; 2xx is delivered, 410 gone,
 * anything else (or no answer) failed, with {@code Retry-After} in seconds honoured.
 */
final class StubTarget implements OutboxTarget {

    /** Where the events go: the stub server's base URL. */
    static volatile String base = "http://127.0.0.1:9";

    /** The targets every event is written for; empty: none (the outbox writes nothing). */
    static volatile List<String> routes = List.of();

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    @Override
    public String kind() {
        return "stub";
    }

    @Override
    public List<String> targetsFor(String eventType, Origin origin) {
        return routes;
    }

    @Override
    public Delivery deliver(OutboxEvent event) {
        String body = JSON.writeValueAsString(java.util.Map.of(
                "id", event.eventId().toString(),
                "type", event.eventType(),
                "aggregate", event.aggregateType() + ":" + event.aggregateId(),
                "sequence", event.sequence(),
                "attempt", event.attempt(),
                "payload", JSON.readTree(event.payload())));
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(base + "/" + event.target().substring("stub:".length())))
                .timeout(Duration.ofSeconds(2))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", event.eventId().toString())
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return Delivery.delivered();
            }
            if (status == 410) {
                return new Delivery.Gone("410 Gone");
            }
            return new Delivery.Failed(
                    "HTTP " + status,
                    dev.roster.platform.RetryAfter.parse(
                            response.headers().firstValue("Retry-After").orElse(null), java.time.Instant.now()));
        } catch (java.io.IOException e) {
            return Delivery.failed("network: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Delivery.failed("interrupted");
        }
    }
}
