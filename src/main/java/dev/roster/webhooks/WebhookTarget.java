package dev.roster.webhooks;

import com.standardwebhooks.Webhook;
import dev.roster.outbox.Origin;
import dev.roster.outbox.OutboxEvent;
import dev.roster.outbox.OutboxTarget;
import dev.roster.platform.ExactCache;
import dev.roster.platform.InvalidationBus;
import dev.roster.platform.RetryAfter;
import dev.roster.platform.SealedSecrets;
import dev.roster.platform.SecretEncryption;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivers outbox events to change-feed subscribers as Standard Webhooks: a JSON body {@code {type, timestamp, data,
 * aggregate, sequence}} under 20 kB, the headers {@code webhook-id} (the event id, the same on every attempt),
 * {@code webhook-timestamp} and {@code webhook-signature} ({@code v1,<base64 HMAC-SHA256 of id.timestamp.body>}, one
 * per live secret while a rotation overlaps). A 2xx is delivered; a redirect is not followed and counts as a failure;
 * {@code 410 Gone} disables the subscription; anything else is retried, after {@code Retry-After} when given.
 */
@Component
public class WebhookTarget implements OutboxTarget {

    static final String KIND = "webhook";
    static final int MAX_BODY_BYTES = 20_000;
    private static final String ALL = "all";

    private final Subscriptions subscriptions;
    private final SubscriptionManagement management;
    private final UrlPolicy policy;
    private final SecretEncryption encryption;
    private final JsonMapper json;
    private final Clock clock;
    private final HttpClient client;
    private final WebhookSettings settings;
    /** The subscriptions, under one key: dropped by any change to one of them, on every node. */
    private final ExactCache<String, List<Subscription>> routing;
    /**
     * Each subscription as its deliveries need it (its row and its live secrets, still sealed), by id: dropped by
     * any change to it, on every node, so a busy feed reads neither table per event.
     */
    private final ExactCache<UUID, Sender> senders;

    private record Sender(Subscription subscription, List<SealedSecrets.Sealed> secrets) {}

    WebhookTarget(
            Subscriptions subscriptions,
            SubscriptionManagement management,
            UrlPolicy policy,
            SecretEncryption encryption,
            JsonMapper json,
            Clock clock,
            WebhookSettings settings,
            InvalidationBus bus,
            MeterRegistry meters) {
        this.subscriptions = subscriptions;
        this.management = management;
        this.policy = policy;
        this.encryption = encryption;
        this.json = json;
        this.clock = clock;
        this.settings = settings;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.timeout())
                .build();
        this.routing =
                ExactCache.create("webhook_routing", 1, bus, SubscriptionManagement.TOPIC, subscription -> ALL, meters);
        this.senders = ExactCache.create(
                "webhook_senders", 10_000, bus, SubscriptionManagement.TOPIC, UUID::fromString, meters);
    }

    static String target(UUID subscription) {
        return KIND + ":" + subscription;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** Every enabled subscription that wants this event type, whatever the change's origin. */
    @Override
    public List<String> targetsFor(String eventType, Origin origin) {
        var targets = new ArrayList<String>(0);
        for (Subscription s : routing()) {
            if (s.wants(eventType)) {
                targets.add(target(s.id()));
            }
        }
        return targets;
    }

    private List<Subscription> routing() {
        List<Subscription> all = routing.get(ALL, key -> subscriptions.all());
        return all == null ? List.of() : all;
    }

    @Override
    public Delivery deliver(OutboxEvent event) {
        UUID id = UUID.fromString(event.target().substring(KIND.length() + 1));
        Sender sender = senders.get(
                id,
                key -> subscriptions
                        .find(key)
                        .map(found -> new Sender(found, subscriptions.liveSecrets(key)))
                        .orElse(null));
        if (sender == null) {
            return new Delivery.Gone("the subscription was deleted");
        }
        Subscription subscription = sender.subscription();
        if (!subscription.enabled() && !event.eventType().equals(SubscriptionManagement.TEST_EVENT)) {
            return new Delivery.Gone("the subscription is disabled"
                    + (subscription.disabledReason() == null ? "" : " (" + subscription.disabledReason() + ")"));
        }
        URI url = URI.create(subscription.url());
        String refusal = policy.refusal(url);
        if (refusal != null) {
            return Delivery.failed("url " + refusal);
        }
        String body = body(event);
        if (body.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
            return new Delivery.Gone("the event is larger than " + MAX_BODY_BYTES + " bytes");
        }
        long timestamp = clock.instant().getEpochSecond();
        String messageId = event.eventId().toString();
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "Roster-Webhooks/1")
                .header("webhook-id", messageId)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", signatures(sender.secrets(), messageId, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<Void> response;
        // The request's own timeout stops at the response headers; this bounds the whole exchange, body included, so
        // a subscriber that trickles its answer cannot hold a delivery slot (or outlive the claim).
        var pending = client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            response = pending.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            return Delivery.failed("timeout: no complete answer within " + settings.timeout());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return Delivery.failed("network: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            return Delivery.failed("interrupted (shutting down)");
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return Delivery.delivered();
        }
        if (status == 410) {
            management.disableGone(id, "the endpoint answered 410 Gone");
            return new Delivery.Gone("HTTP 410 Gone: the subscription is now disabled");
        }
        if (status >= 300 && status < 400) {
            return Delivery.failed("HTTP " + status + ": redirects are not followed");
        }
        return new Delivery.Failed(
                "HTTP " + status,
                RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null), clock.instant()));
    }

    private String body(OutboxEvent event) {
        var body = new LinkedHashMap<String, Object>();
        body.put("type", event.eventType());
        body.put("timestamp", event.createdAt().toString());
        body.put("data", json.readTree(event.payload()));
        body.put("aggregate", java.util.Map.of("type", event.aggregateType(), "id", event.aggregateId()));
        body.put("sequence", event.sequence());
        return json.writeValueAsString(body);
    }

    private String signatures(List<SealedSecrets.Sealed> secrets, String messageId, long timestamp, String body) {
        var signatures = new ArrayList<String>(2);
        Instant now = clock.instant();
        for (SealedSecrets.Sealed secret : secrets) {
            if (!secret.liveAt(now)) {
                continue; // a previous secret whose overlap ended since the subscription was cached
            }
            byte[] key = encryption.decrypt(secret.sealed(), SubscriptionManagement.associatedData(secret.id()));
            try {
                signatures.add(new Webhook(key).sign(messageId, timestamp, body));
            } catch (Exception e) {
                throw new IllegalStateException("could not sign a webhook", e);
            }
        }
        return String.join(" ", signatures);
    }
}
