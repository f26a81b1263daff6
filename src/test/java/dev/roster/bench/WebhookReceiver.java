package dev.roster.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The change-feed subscriber of the {@code outbox} scenario: an HTTP server on 127.0.0.1 that answers every delivery
 * {@code 204} at once and notes, per {@code webhook-id}, when it first arrived and how long after the event was
 * written ({@code timestamp} of the body: the change's commit, to the microsecond). It checks no signature: that costs
 * the subscriber, not Roster, and the tests verify signatures.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One event, at its first arrival: how long after it was written. */
    record Arrival(long nanos, double latencyMs) {}

    private static final byte[] TIMESTAMP = "\"timestamp\":\"".getBytes(StandardCharsets.US_ASCII);

    private final HttpServer server;
    private final ExecutorService workers = Executors.newFixedThreadPool(16);
    private final ConcurrentHashMap<String, Arrival> firstArrivals = new ConcurrentHashMap<>();
    private final AtomicLong deliveries = new AtomicLong();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.createContext("/", this::receive);
        server.setExecutor(workers);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/roster-events";
    }

    private void receive(HttpExchange exchange) throws IOException {
        long now = System.nanoTime();
        Instant arrived = Instant.now();
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            deliveries.incrementAndGet();
            if (id != null) {
                firstArrivals.computeIfAbsent(id, key -> new Arrival(now, latencyMs(body, arrived)));
            }
            exchange.sendResponseHeaders(204, -1);
        }
    }

    /** Milliseconds between the body's {@code timestamp} and {@code arrived}; NaN without one. */
    private static double latencyMs(byte[] body, Instant arrived) {
        int start = indexOf(body, TIMESTAMP);
        if (start < 0) {
            return Double.NaN;
        }
        start += TIMESTAMP.length;
        int end = start;
        while (end < body.length && body[end] != '"') {
            end++;
        }
        Instant written = Instant.parse(new String(body, start, end - start, StandardCharsets.US_ASCII));
        return Duration.between(written, arrived).toNanos() / 1e6;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Forgets what arrived so far: a phase counts only its own events. */
    void reset() {
        firstArrivals.clear();
        deliveries.set(0);
    }

    /** Distinct events received since the last {@link #reset}. */
    int events() {
        return firstArrivals.size();
    }

    /** Deliveries received since the last {@link #reset}, repeats included. */
    long deliveries() {
        return deliveries.get();
    }

    /** Each event's first arrival since the last {@link #reset}. */
    List<Arrival> arrivals() {
        return new ArrayList<>(firstArrivals.values());
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
