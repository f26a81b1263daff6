package example.changefeed;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A subscriber to Roster's change feed, as one should be written: it checks each delivery's signature (Standard
 * Webhooks, with the subscription's {@code whsec_} secret) before reading it, applies each event once (deduplicated on
 * {@code webhook-id}, the event id, the same on every attempt), never lets an older event of an aggregate overwrite a
 * newer one ({@code sequence} per aggregate), and answers at once.
 *
 * <p>In a real application the two memories are tables written in the transaction that applies the event: the event
 * ids under a unique key, and the last sequence per aggregate. Run it on its own with
 * {@code ROSTER_WEBHOOK_SECRET=whsec_… java … example.changefeed.ChangeFeedReceiver 8088}.
 */
public final class ChangeFeedReceiver implements AutoCloseable {

    /** An event as this receiver applied it. */
    public record Applied(String eventId, String type, String aggregate, long sequence) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Webhook webhook;
    private final HttpServer server;
    private final Set<String> seenEventIds = new HashSet<>();
    private final Map<String, Long> lastSequence = new HashMap<>();
    private final List<Applied> applied = new CopyOnWriteArrayList<>();
    private int duplicates;
    private int refused;

    private ChangeFeedReceiver(String secret, int port) throws IOException {
        try {
            this.webhook = new Webhook(secret);
        } catch (EmptyWebhookSecretException e) {
            throw new IllegalArgumentException("the subscription's whsec_ secret is needed", e);
        }
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.createContext("/", this::receive);
        server.start();
    }

    /** Listens on 127.0.0.1:{@code port} for deliveries signed with {@code secret}. */
    public static ChangeFeedReceiver start(String secret, int port) throws IOException {
        return new ChangeFeedReceiver(secret, port);
    }

    private void receive(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var headers = new TreeMap<String, List<String>>(String.CASE_INSENSITIVE_ORDER);
            headers.putAll(exchange.getRequestHeaders());
            try {
                // Also refuses a timestamp more than 5 minutes from this clock: a captured delivery cannot be replayed.
                webhook.verify(body, headers);
            } catch (WebhookVerificationException forged) {
                synchronized (this) {
                    refused++;
                }
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            apply(headers.get("webhook-id").getFirst(), JSON.readTree(body));
            // 2xx at once: Roster retries anything else, and counts a slow answer as a failure.
            exchange.sendResponseHeaders(204, -1);
        }
    }

    private synchronized void apply(String eventId, JsonNode event) {
        if (!seenEventIds.add(eventId)) {
            duplicates++; // delivered before: Roster's delivery is at least once
            return;
        }
        String aggregate = event.path("aggregate").path("type").asString() + ":"
                + event.path("aggregate").path("id").asString();
        long sequence = event.path("sequence").asLong();
        Long last = lastSequence.get(aggregate);
        if (last != null && sequence < last) {
            return; // older than what this aggregate already shows (events of one transaction share a sequence)
        }
        lastSequence.put(aggregate, sequence);
        applied.add(new Applied(eventId, event.path("type").asString(), aggregate, sequence));
        // ... here a real subscriber updates its own copy of the user's memberships, the tenant, ...
    }

    /** The events applied, in the order they were. */
    public List<Applied> applied() {
        return List.copyOf(applied);
    }

    /** Deliveries of an event already applied. */
    public synchronized int duplicates() {
        return duplicates;
    }

    /** Deliveries refused for a bad or missing signature. */
    public synchronized int refused() {
        return refused;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    public static void main(String[] args) throws IOException {
        String secret = System.getenv("ROSTER_WEBHOOK_SECRET");
        if (secret == null || args.length != 1) {
            System.err.println("usage: ROSTER_WEBHOOK_SECRET=whsec_... ChangeFeedReceiver <port>");
            System.exit(2);
        }
        start(secret, Integer.parseInt(args[0]));
        System.out.println("receiving Roster's change feed on http://127.0.0.1:" + args[0] + "/");
    }
}
