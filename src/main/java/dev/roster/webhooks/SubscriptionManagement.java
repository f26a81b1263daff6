package dev.roster.webhooks;

import dev.roster.authz.Caller;
import dev.roster.outbox.Origin;
import dev.roster.outbox.Outbox;
import dev.roster.platform.AuditLog;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.InvalidationBus;
import dev.roster.platform.JsonBody;
import dev.roster.platform.Page;
import dev.roster.platform.RosterException;
import dev.roster.platform.SecretEncryption;
import dev.roster.platform.WebhookSecret;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creating, changing and deleting change-feed subscriptions and rotating their secrets, audited and announced to
 * every node ({@link #TOPIC}) in the same transaction. A secret is answered once, when made, and kept encrypted.
 */
@Service
public class SubscriptionManagement {

    /** Invalidation topic: the subscriptions changed (every node reloads the list it routes events by). */
    public static final String TOPIC = "webhook";

    /** The test event's type, sent only to the subscription tested. */
    public static final String TEST_EVENT = "webhook.test";

    public static final int MAX_EVENT_TYPES = 50;
    private static final Pattern EVENT_TYPE = Pattern.compile("[a-z][a-z_]*(\\.[a-z][a-z_]*)*(\\.\\*)?|\\*");

    /** A subscription with its new secret: answered once. */
    public record WithSecret(Subscription subscription, String secret) {}

    /** The fields a PATCH may change; null: unchanged. */
    public record Patch(
            @Nullable String url,
            @Nullable String description,
            boolean clearDescription,
            @Nullable List<String> eventTypes,
            @Nullable Boolean enabled) {}

    private final Subscriptions subscriptions;
    private final UrlPolicy policy;
    private final SecretEncryption encryption;
    private final AuditLog audit;
    private final Outbox outbox;
    private final InvalidationBus bus;
    private final WebhookSettings settings;
    private final Clock clock;
    private final TransactionTemplate tx;

    SubscriptionManagement(
            Subscriptions subscriptions,
            UrlPolicy policy,
            SecretEncryption encryption,
            AuditLog audit,
            Outbox outbox,
            InvalidationBus bus,
            WebhookSettings settings,
            Clock clock,
            TransactionTemplate tx) {
        this.tx = tx;
        this.subscriptions = subscriptions;
        this.policy = policy;
        this.encryption = encryption;
        this.audit = audit;
        this.outbox = outbox;
        this.bus = bus;
        this.settings = settings;
        this.clock = clock;
    }

    public Page<Subscription> list(@Nullable String cursor, int limit) {
        UUID after = Page.uuidKey(cursor);
        return Page.of(subscriptions.page(after, limit + 1), limit, subscriptions.count(), s -> s.id().toString());
    }

    public Subscription get(UUID id) {
        return subscriptions.find(id).orElseThrow(() -> notFound(id));
    }

    /** Checks the URL (resolving its host) before the transaction, so a slow resolver holds no connection. */
    public WithSecret create(Caller caller, String url, @Nullable String description, List<String> eventTypes) {
        policy.require("url", url);
        requireEventTypes(eventTypes);
        return java.util.Objects.requireNonNull(tx.execute(status -> insert(caller, url, description, eventTypes)));
    }

    private WithSecret insert(Caller caller, String url, @Nullable String description, List<String> eventTypes) {
        Subscription created =
                subscriptions.insert(UUID.randomUUID(), url, description, List.copyOf(eventTypes), bus.version());
        String secret = newSecret(created.id());
        audit.record(caller.actor(), "webhook_subscription.created", target(created.id()), null, created);
        bus.publish(TOPIC, created.id().toString());
        return new WithSecret(created, secret);
    }

    public Subscription patch(Caller caller, UUID id, Patch patch) {
        if (patch.url() != null) {
            policy.require("url", patch.url());
        }
        if (patch.eventTypes() != null) {
            requireEventTypes(patch.eventTypes());
        }
        return java.util.Objects.requireNonNull(tx.execute(status -> update(caller, id, patch)));
    }

    private Subscription update(Caller caller, UUID id, Patch patch) {
        Subscription before = subscriptions.lock(id).orElseThrow(() -> notFound(id));
        boolean enabled = patch.enabled() == null ? before.enabled() : patch.enabled();
        var changed = new Subscription(
                id,
                patch.url() == null ? before.url() : patch.url(),
                patch.clearDescription()
                        ? null
                        : patch.description() == null ? before.description() : patch.description(),
                patch.eventTypes() == null ? before.eventTypes() : List.copyOf(patch.eventTypes()),
                enabled,
                enabled ? null : patch.enabled() == null ? before.disabledReason() : "disabled by an admin",
                before.createdAt(),
                before.updatedAt(),
                before.version());
        if (changed.equals(before)) {
            return before;
        }
        Subscription after = subscriptions.update(changed, bus.version());
        audit.record(caller.actor(), "webhook_subscription.updated", target(id), before, after);
        bus.publish(TOPIC, id.toString());
        return after;
    }

    @Transactional
    public Subscription delete(Caller caller, UUID id) {
        bus.join();
        Subscription deleted = subscriptions.delete(id).orElseThrow(() -> notFound(id));
        audit.record(caller.actor(), "webhook_subscription.deleted", target(id), deleted, null);
        bus.publish(TOPIC, id.toString());
        return deleted;
    }

    /**
     * A new secret; the previous one keeps signing (beside it) for {@code ROSTER_WEBHOOKS_SECRET_OVERLAP}, so a
     * subscriber can switch without missing an event. An older previous secret ends now.
     */
    @Transactional
    public WithSecret rotateSecret(Caller caller, UUID id) {
        Subscription subscription = subscriptions.lock(id).orElseThrow(() -> notFound(id));
        subscriptions.retireSecrets(id, clock.instant().plus(settings.secretOverlap()));
        String secret = newSecret(id);
        audit.record(
                caller.actor(),
                "webhook_subscription.secret_rotated",
                target(id),
                null,
                Map.of("previous_secret_valid_for", settings.secretOverlap().toString()));
        bus.publish(TOPIC, id.toString());
        return new WithSecret(subscription, secret);
    }

    /** Queues a {@code webhook.test} event for this subscription alone (enabled or not); its outbox event id. */
    @Transactional
    public UUID test(Caller caller, UUID id) {
        Subscription subscription = subscriptions.find(id).orElseThrow(() -> notFound(id));
        UUID marker = UUID.randomUUID();
        outbox.appendTo(
                List.of(WebhookTarget.target(id)),
                "webhook_subscription",
                id.toString(),
                TEST_EVENT,
                Map.of("subscription_id", id, "url", subscription.url(), "test_id", marker),
                Origin.LOCAL);
        audit.record(caller.actor(), "webhook_subscription.tested", target(id), null, Map.of("test_id", marker));
        return marker;
    }

    /** The subscriber answered {@code 410 Gone}: it wants nothing more. */
    @Transactional
    public void disableGone(UUID id, String reason) {
        subscriptions.lock(id).filter(Subscription::enabled).ifPresent(before -> {
            Subscription after = subscriptions.update(
                    new Subscription(
                            id,
                            before.url(),
                            before.description(),
                            before.eventTypes(),
                            false,
                            reason,
                            before.createdAt(),
                            before.updatedAt(),
                            before.version()),
                    bus.version());
            audit.record("system:webhooks", "webhook_subscription.disabled", target(id), before, after);
            bus.publish(TOPIC, id.toString());
        });
    }

    private String newSecret(UUID subscription) {
        WebhookSecret secret = WebhookSecret.random();
        UUID secretId = UUID.randomUUID();
        subscriptions.insertSecret(secretId, subscription, encryption.encrypt(secret.key(), associatedData(secretId)));
        return secret.formatted();
    }

    static String associatedData(UUID secretId) {
        return "webhook-secret:" + secretId;
    }

    private static void requireEventTypes(List<String> eventTypes) {
        if (eventTypes.size() > MAX_EVENT_TYPES) {
            throw JsonBody.invalid("event_types", "takes at most " + MAX_EVENT_TYPES + " entries.");
        }
        for (String type : eventTypes) {
            if (!EVENT_TYPE.matcher(type).matches()) {
                throw JsonBody.invalid(
                        "event_types",
                        "entries are event types (membership.assigned), a family (membership.*) or '*'; '" + type
                                + "' is neither.");
            }
        }
    }

    private static String target(UUID id) {
        return "webhook_subscription:" + id;
    }

    static RosterException notFound(UUID id) {
        return ErrorCode.WEBHOOK_SUBSCRIPTION_NOT_FOUND.problem("There is no webhook subscription " + id + ".");
    }
}
