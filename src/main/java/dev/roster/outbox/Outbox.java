package dev.roster.outbox;

import dev.roster.platform.InvalidationBus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes events in the transaction of the change they report: the event exists if and only if the change commits.
 *
 * <p>{@link #append} only collects; just before the commit the transaction's events are written, one row per target
 * that must hear of each, all stamped with the transaction's version as their sequence. Versions are drawn under a
 * lock held until commit, so a later commit has a higher sequence: per aggregate, sequence order is commit order,
 * without any per-aggregate counter to lock. The relays of every node are woken by the transaction's one
 * notification.
 */
@Component
public class Outbox {

    /** Aggregate type of a user's events: their memberships, their activation. Ordered per user. */
    public static final String USER = "user";

    /** Aggregate type of a tenant's events: the tenant, its roles, its grants. Ordered per tenant. */
    public static final String TENANT = "tenant";

    /** Aggregate type of a global role's events (the upstream's own roles). Ordered per role. */
    public static final String ROLE = "role";

    /** Invalidation topic that wakes the relays; the key says nothing. */
    public static final String TOPIC = "outbox";

    // All the transaction's rows in one statement, run alongside the bus's announcement at commit: under the version
    // lock (the sequence is the transaction's version), without a round trip of its own.
    // An event behind an undelivered one of its (target, aggregate) is due no sooner than that one, which it must
    // wait for anyway: so that a claim never reads through a queue stalled behind a failing target (one probe of
    // outbox_pending_order_idx per row).
    private static final String INSERT = """
            INSERT INTO outbox (event_id, target, aggregate_type, aggregate_id, subject, sequence, event_type, payload,
                                origin, created_at, next_attempt_at)
            SELECT e.event_id, e.target, e.aggregate_type, e.aggregate_id, e.subject,
                   (SELECT version FROM announced), e.event_type,
                   CAST(e.payload AS jsonb), e.origin, :createdAt,
                   GREATEST(:due, (SELECT h.next_attempt_at FROM outbox h
                                   WHERE h.target = e.target AND h.aggregate_type = e.aggregate_type
                                     AND h.aggregate_id = e.aggregate_id
                                     AND h.delivered_at IS NULL AND h.dead_at IS NULL
                                   ORDER BY h.sequence, h.id LIMIT 1))
            FROM unnest(CAST(:eventIds AS uuid[]), CAST(:targets AS text[]), CAST(:aggregateTypes AS text[]),
                        CAST(:aggregateIds AS text[]), CAST(:subjects AS text[]), CAST(:eventTypes AS text[]),
                        CAST(:payloads AS text[]), CAST(:origins AS text[]))
                 AS e (event_id, target, aggregate_type, aggregate_id, subject, event_type, payload, origin)
            """;

    private final JsonMapper json;
    private final InvalidationBus bus;
    private final Clock clock;
    private final OutboxSettings settings;
    private final ObjectProvider<OutboxTarget> targets;

    Outbox(
            JsonMapper json,
            InvalidationBus bus,
            Clock clock,
            OutboxSettings settings,
            ObjectProvider<OutboxTarget> targets) {
        this.json = json;
        this.bus = bus;
        this.clock = clock;
        this.settings = settings;
        this.targets = targets;
    }

    /**
     * Records that {@code eventType} happened to an aggregate ({@code user}, {@code tenant}, … and its id), with
     * {@code payload} (serialised as the API's JSON), for every target that must hear of it. Inside the writer's
     * transaction; nothing is written if no target wants it.
     */
    public void append(String aggregateType, String aggregateId, String eventType, Object payload, Origin origin) {
        append(aggregateType, aggregateId, null, eventType, payload, origin);
    }

    /**
     * As {@link #append(String, String, String, Object, Origin)}, for an event about one row the API shows with its
     * sync state ({@code subject}: {@code membership:<user>:<tenant>}, {@code grant:<id>}; see {@link SyncState}).
     */
    public void append(
            String aggregateType,
            String aggregateId,
            @Nullable String subject,
            String eventType,
            Object payload,
            Origin origin) {
        var routed = new ArrayList<String>();
        targets.orderedStream().forEach(t -> routed.addAll(t.targetsFor(eventType, origin)));
        if (routed.isEmpty()) {
            return;
        }
        pending()
                .events
                .add(new Pending.Event(
                        aggregateType,
                        aggregateId,
                        subject,
                        eventType,
                        json.writeValueAsString(payload),
                        origin,
                        routed));
    }

    /**
     * As {@link #append}, for the given targets only, whatever the targets' routing says: an event meant for one
     * destination (a subscription's test event).
     */
    public void appendTo(
            List<String> targets,
            String aggregateType,
            String aggregateId,
            String eventType,
            Object payload,
            Origin origin) {
        if (!targets.isEmpty()) {
            pending()
                    .events
                    .add(new Pending.Event(
                            aggregateType,
                            aggregateId,
                            null,
                            eventType,
                            json.writeValueAsString(payload),
                            origin,
                            List.copyOf(targets)));
        }
    }

    private Pending pending() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new IllegalStateException("outbox events are appended inside the change's transaction");
        }
        Pending p = (Pending) TransactionSynchronizationManager.getResource(Pending.class);
        if (p == null) {
            // The bus announces the commit (and the relay's wake-up): make sure it takes part.
            bus.join();
            p = new Pending();
            TransactionSynchronizationManager.bindResource(Pending.class, p);
            TransactionSynchronizationManager.registerSynchronization(p);
        }
        return p;
    }

    /** One transaction's events, written just before it commits. */
    private final class Pending implements TransactionSynchronization {

        record Event(
                String aggregateType,
                String aggregateId,
                @Nullable String subject,
                String eventType,
                String payload,
                Origin origin,
                List<String> targets) {}

        final List<Event> events = new ArrayList<>();

        /** Before the bus's own (which announces the version this draws). */
        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            var eventIds = new ArrayList<UUID>();
            var targets = new ArrayList<String>();
            var aggregateTypes = new ArrayList<String>();
            var aggregateIds = new ArrayList<String>();
            var subjects = new ArrayList<@Nullable String>();
            var eventTypes = new ArrayList<String>();
            var payloads = new ArrayList<String>();
            var origins = new ArrayList<String>();
            for (Event event : events) {
                UUID eventId = UUID.randomUUID();
                for (String target : event.targets()) {
                    eventIds.add(eventId);
                    targets.add(target);
                    aggregateTypes.add(event.aggregateType());
                    aggregateIds.add(event.aggregateId());
                    subjects.add(event.subject());
                    eventTypes.add(event.eventType());
                    payloads.add(event.payload());
                    origins.add(event.origin().column());
                }
            }
            Instant now = clock.instant();
            var params = new java.util.HashMap<String, Object>();
            params.put("createdAt", java.sql.Timestamp.from(now));
            params.put(
                    "due", java.sql.Timestamp.from(now.plus(settings.schedule().getFirst())));
            params.put("eventIds", eventIds.toArray(UUID[]::new));
            params.put("targets", targets.toArray(String[]::new));
            params.put("aggregateTypes", aggregateTypes.toArray(String[]::new));
            params.put("aggregateIds", aggregateIds.toArray(String[]::new));
            params.put("subjects", subjects.toArray(String[]::new));
            params.put("eventTypes", eventTypes.toArray(String[]::new));
            params.put("payloads", payloads.toArray(String[]::new));
            params.put("origins", origins.toArray(String[]::new));
            bus.publish(TOPIC, "due");
            bus.alongAnnouncement(INSERT, params);
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(Pending.class);
        }
    }
}
