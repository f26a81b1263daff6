package dev.roster.inbound;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import dev.roster.connectors.DirectoryRecords;
import dev.roster.connectors.UpstreamCallFailed;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.ExactCache;
import dev.roster.platform.InvalidationBus;
import dev.roster.platform.SealedSecrets;
import dev.roster.platform.SecretEncryption;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Takes an event a webhook source sent: checks its Standard Webhooks signature against the source's live secrets
 * (and its timestamp: within 5 minutes of this clock, so a captured delivery cannot be replayed later), reads its
 * shape, and records it once, in one transaction with the job that applies it (an outbox event for the
 * {@code inbound} target, ordered by what the event is about), batched with the deliveries arriving meanwhile
 * ({@link InboundRecorder}). Nothing is applied here: the answer comes as soon as the event is durable. A second
 * delivery of the same {@code webhook-id} changes nothing.
 */
@Service
public class InboundReceiver {

    private static final Pattern TYPE = Pattern.compile("[a-z][a-z_]*(\\.[a-z][a-z_]*)+");
    private static final int MAX_EVENT_ID = 255;
    /** How far ahead of Roster's clock a source's may be, as for the signature's timestamp. */
    private static final java.time.Duration CLOCK_SKEW = java.time.Duration.ofMinutes(5);

    /** What the receiver did with a delivery. */
    public record Accepted(String eventId, boolean duplicate) {}

    private final WebhookSources sources;
    private final DirectoryRecords records;
    private final SecretEncryption encryption;
    private final InboundRecorder recorder;
    private final JsonMapper json;
    private final InboundSettings settings;
    private final Clock clock;
    private final MeterRegistry meters;
    /** Each source's live secrets, sealed, by name: dropped on every node when the source or its secrets change. */
    private final ExactCache<String, List<SealedSecrets.Sealed>> secrets;

    InboundReceiver(
            WebhookSources sources,
            DirectoryRecords records,
            SecretEncryption encryption,
            InboundRecorder recorder,
            JsonMapper json,
            InboundSettings settings,
            Clock clock,
            InvalidationBus bus,
            MeterRegistry meters) {
        this.sources = sources;
        this.records = records;
        this.encryption = encryption;
        this.recorder = recorder;
        this.json = json;
        this.settings = settings;
        this.clock = clock;
        this.meters = meters;
        this.secrets =
                ExactCache.create("webhook_source_secrets", 1_000, bus, SourceManagement.TOPIC, name -> name, meters);
    }

    /**
     * Verifies, reads and records one delivery from {@code source}. {@code headers}: the request's, looked up without
     * regard to case. 401 when the source is unknown or the signature or timestamp is not good, 400 when the event
     * is not the contract's shape, 413 when too large; nothing is recorded then.
     */
    public Accepted accept(String source, Map<String, List<String>> headers, byte[] body) {
        if (body.length > settings.maxEventSize().toBytes()) {
            throw ErrorCode.PAYLOAD_TOO_LARGE.problem(
                    "An event may be at most " + settings.maxEventSize().toBytes() + " bytes.");
        }
        String payload = new String(body, StandardCharsets.UTF_8);
        verify(source, headers, payload);
        if (payload.indexOf('\u0000') >= 0 || payload.contains("\\u0000")) {
            throw ErrorCode.MALFORMED_BODY.problem("The event holds a NUL character, which Roster does not store.");
        }
        String eventId = headers.get("webhook-id").getFirst();
        if (eventId.length() > MAX_EVENT_ID) {
            throw ErrorCode.INVALID_PARAMETER.problem("'webhook-id' is longer than " + MAX_EVENT_ID + " characters.");
        }
        Event event = read(payload);
        boolean recorded = recorder.record(
                new InboundEvents.Arrival(source, eventId, event.type(), event.occurredAt(), event.subject(), payload));
        count(recorded ? "accepted" : "duplicate");
        return new Accepted(eventId, !recorded);
    }

    private void verify(String source, Map<String, List<String>> headers, String payload) {
        List<SealedSecrets.Sealed> live = secrets.get(source, name -> {
            List<SealedSecrets.Sealed> found = sources.liveSecrets(name);
            return found.isEmpty() ? null : found;
        });
        if (live == null) {
            throw refused("unknown source or bad signature");
        }
        Instant now = clock.instant();
        String why = "no live secret of the source";
        for (SealedSecrets.Sealed secret : live) {
            if (!secret.liveAt(now)) {
                continue; // a previous secret whose overlap ended since the source was cached
            }
            byte[] key = encryption.decrypt(secret.sealed(), SourceManagement.associatedData(secret.id()));
            try {
                new Webhook(key).verify(payload, headers);
                return;
            } catch (WebhookVerificationException e) {
                why = e.getMessage();
            } catch (EmptyWebhookSecretException e) {
                throw new IllegalStateException("a webhook source's secret is empty", e);
            }
        }
        throw refused(why);
    }

    private RuntimeException refused(@Nullable String why) {
        count("refused");
        return ErrorCode.INVALID_SIGNATURE.problem(
                "The event is not signed by this source (webhook-id, webhook-timestamp within 5 minutes,"
                        + " webhook-signature with one of its secrets): " + why + ".");
    }

    /**
     * An event's type, when it happened, its data and what it is about ({@code user:<id>}, {@code tenant:<id>},
     * {@code role:<id>}).
     */
    record Event(String type, Instant occurredAt, JsonNode data, String subject) {}

    private Event read(String payload) {
        JsonNode root;
        try {
            root = json.readTree(payload);
        } catch (JacksonException e) {
            throw ErrorCode.MALFORMED_BODY.problem("The event is not JSON.");
        }
        if (!root.isObject()) {
            throw ErrorCode.MALFORMED_BODY.problem("The event is {\"type\", \"timestamp\", \"data\"}.");
        }
        String type = root.path("type").isString() ? root.path("type").stringValue() : null;
        if (type == null || type.length() > 100 || !TYPE.matcher(type).matches()) {
            throw ErrorCode.INVALID_FIELD.problem("'type' is an event type such as user.updated.");
        }
        Instant occurredAt;
        try {
            occurredAt =
                    OffsetDateTime.parse(root.path("timestamp").asString("")).toInstant();
        } catch (DateTimeParseException e) {
            throw ErrorCode.INVALID_FIELD.problem(
                    "'timestamp' is when the change happened, as RFC 3339 (2026-12-06T10:00:00Z).");
        }
        // A change cannot happen after it is sent: one stamped in the future (a source's clock gone wrong) would make
        // every later event about its subject look older, and be skipped.
        if (occurredAt.isAfter(clock.instant().plus(CLOCK_SKEW))) {
            throw ErrorCode.INVALID_FIELD.problem(
                    "'timestamp' is in the future (" + occurredAt + "); it is when the change happened.");
        }
        JsonNode data = root.path("data");
        if (!data.isObject()) {
            throw ErrorCode.INVALID_FIELD.problem("'data' is an object.");
        }
        try {
            return new Event(type, occurredAt, data, subject(type, data));
        } catch (UpstreamCallFailed malformed) {
            throw ErrorCode.INVALID_FIELD.problem("'data' of a " + type + " event: " + malformed.getMessage());
        }
    }

    /**
     * What the event is about: events about one subject are applied one at a time, in the order they came. The data
     * of a type Roster applies is read here as it will be then, so a record that does not fit is refused at the door
     * (400), where the directory sees it, rather than dying later.
     */
    private String subject(String type, JsonNode data) {
        switch (type) {
            case "user.created", "user.updated" -> records.user(data);
            case "membership.created", "membership.updated" -> records.assignment(data);
            case "membership.deleted" -> records.tenant(data);
            case "role.created", "role.updated", "role.deleted" -> records.role(data);
            default -> {}
        }
        String family = type.substring(0, type.indexOf('.'));
        return switch (family) {
            case "user" -> "user:" + records.userId(data);
            case "membership" -> "user:" + records.memberId(data);
            case "tenant" -> "tenant:" + records.tenant(data).externalId();
            case "role" -> "role:" + records.role(data).externalId();
            default -> "other:" + type;
        };
    }

    private void count(String outcome) {
        Counter.builder("roster.inbound.events")
                .description("Events received from webhook sources, by what became of them at the door")
                .tag("outcome", outcome)
                .register(meters)
                .increment();
    }
}
