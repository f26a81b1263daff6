package dev.roster.inbound;

import dev.roster.authz.Caller;
import dev.roster.platform.AuditLog;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.InvalidationBus;
import dev.roster.platform.JsonBody;
import dev.roster.platform.Page;
import dev.roster.platform.RosterException;
import dev.roster.platform.SecretEncryption;
import dev.roster.platform.WebhookSecret;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creating and deleting webhook sources and rotating their secrets, audited and announced to every node
 * ({@link #TOPIC}: the receivers drop the secrets they cached). A secret is answered once, when made, and kept
 * encrypted.
 */
@Service
public class SourceManagement {

    /** Invalidation topic: a source or its secrets changed (the key is its name). */
    public static final String TOPIC = "webhook_source";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final java.util.List<String> OUTCOMES =
            java.util.List.of("applied", "unchanged", "stale", "ignored", "refused", "pending");

    /** A source with its new secret: answered once. */
    public record WithSecret(WebhookSource source, String secret) {}

    private final WebhookSources sources;
    private final InboundEvents events;
    private final InboundJobs jobs;
    private final tools.jackson.databind.json.JsonMapper json;
    private final SecretEncryption encryption;
    private final AuditLog audit;
    private final InvalidationBus bus;
    private final InboundSettings settings;
    private final Clock clock;

    SourceManagement(
            WebhookSources sources,
            InboundEvents events,
            InboundJobs jobs,
            tools.jackson.databind.json.JsonMapper json,
            SecretEncryption encryption,
            AuditLog audit,
            InvalidationBus bus,
            InboundSettings settings,
            Clock clock) {
        this.sources = sources;
        this.events = events;
        this.jobs = jobs;
        this.json = json;
        this.encryption = encryption;
        this.audit = audit;
        this.bus = bus;
        this.settings = settings;
        this.clock = clock;
    }

    public Page<WebhookSource> list(@Nullable String cursor, int limit) {
        return Page.of(sources.page(Page.key(cursor), limit + 1), limit, sources.count(), WebhookSource::name);
    }

    /** What a source sent, newest first; {@code outcome}: applied, unchanged, stale, ignored, refused or pending. */
    public Page<InboundEvent> events(String name, @Nullable String outcome, @Nullable String cursor, int limit) {
        get(name);
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            throw ErrorCode.INVALID_PARAMETER.problem("'outcome' must be one of " + String.join(", ", OUTCOMES) + ".");
        }
        return Page.of(
                events.page(name, outcome, Page.longKey(cursor), limit + 1).stream()
                        .map(e -> InboundEvent.of(e, json))
                        .toList(),
                limit,
                events.count(name, outcome),
                e -> Long.toString(e.id()));
    }

    public WebhookSource get(String name) {
        return sources.find(name).orElseThrow(() -> notFound(name));
    }

    @Transactional
    public WithSecret create(Caller caller, String name, @Nullable String description) {
        if (!NAME.matcher(name).matches()) {
            throw JsonBody.invalid(
                    "name", "is 1 to 63 lower-case letters, digits, '-' or '_', starting with a letter or digit.");
        }
        WebhookSource created = sources.insert(name, description, bus.version())
                .orElseThrow(() -> ErrorCode.WEBHOOK_SOURCE_EXISTS.problem(
                        "There is a webhook source '" + name + "' already; rotate its secret instead."));
        String secret = newSecret(name);
        audit.record(caller.actor(), "webhook_source.created", target(name), null, created);
        bus.publish(TOPIC, name);
        return new WithSecret(created, secret);
    }

    /**
     * A new secret; deliveries signed with the previous one are accepted for {@code ROSTER_INBOUND_SECRET_OVERLAP}
     * more, while the directory is reconfigured, or not at all with {@code endPrevious} (it leaked). An older previous
     * secret ends now.
     */
    @Transactional
    public WithSecret rotateSecret(Caller caller, String name, boolean endPrevious) {
        WebhookSource source = sources.lock(name).orElseThrow(() -> notFound(name));
        Duration overlap = endPrevious ? Duration.ZERO : settings.secretOverlap();
        // Ended a second ago rather than now: "now" here and in the database's live-secret check may differ a little.
        sources.retireSecrets(
                name,
                endPrevious ? clock.instant().minusSeconds(1) : clock.instant().plus(overlap));
        String secret = newSecret(name);
        audit.record(
                caller.actor(),
                "webhook_source.secret_rotated",
                target(name),
                null,
                Map.of("previous_secret_valid_for", overlap.toString()));
        bus.publish(TOPIC, name);
        return new WithSecret(source, secret);
    }

    /** Deletes the source and its secrets: its deliveries are refused from now on; what it sent stays on record. */
    @Transactional
    public WebhookSource delete(Caller caller, String name) {
        bus.join();
        WebhookSource deleted = sources.delete(name).orElseThrow(() -> notFound(name));
        audit.record(caller.actor(), "webhook_source.deleted", target(name), deleted, null);
        bus.publish(TOPIC, name);
        return deleted;
    }

    /**
     * Queues a refused event again (after an operator fixed its cause: the user arrived another way, a guard's window
     * passed): applied after whatever is queued about its user or tenant now, and skipped if something newer about its
     * fact was applied meanwhile.
     */
    @Transactional
    public InboundEvent replay(Caller caller, String name, long id) {
        get(name);
        InboundEvents.Recorded event = events.lock(id)
                .filter(e -> e.source().equals(name))
                .orElseThrow(() -> ErrorCode.INBOUND_EVENT_NOT_FOUND.problem(
                        "Webhook source '" + name + "' has no event " + id + "."));
        // An ignored one too: of a type an earlier Roster did not apply (role.* before ADR 006), which this one may.
        if (!"refused".equals(event.outcome()) && !"ignored".equals(event.outcome())) {
            throw ErrorCode.INBOUND_EVENT_NOT_REFUSED.problem("Event " + id + " is "
                    + (event.outcome() == null ? "pending" : event.outcome())
                    + "; only a refused or ignored event is replayed (an applied or stale one never applies again).");
        }
        events.reopen(id);
        jobs.queue(id, name, event.subject(), event.eventType(), event.eventId());
        audit.record(caller.actor(), "inbound_event.replayed", target(name), null, Map.of("event_id", event.eventId()));
        return InboundEvent.of(events.lock(id).orElseThrow(), json);
    }

    private String newSecret(String source) {
        WebhookSecret secret = WebhookSecret.random();
        UUID secretId = UUID.randomUUID();
        sources.insertSecret(secretId, source, encryption.encrypt(secret.key(), associatedData(secretId)));
        return secret.formatted();
    }

    static String associatedData(UUID secretId) {
        return "webhook-source-secret:" + secretId;
    }

    private static String target(String name) {
        return "webhook_source:" + name;
    }

    static RosterException notFound(String name) {
        return ErrorCode.WEBHOOK_SOURCE_NOT_FOUND.problem("There is no webhook source '" + name + "'.");
    }
}
