package dev.roster.inbound;

import dev.roster.connectors.DirectoryRecords;
import dev.roster.connectors.UpstreamCallFailed;
import dev.roster.connectors.UpstreamUser;
import dev.roster.outbox.OutboxTarget.Delivery;
import dev.roster.sync.SyncOutcome;
import dev.roster.sync.SyncTrigger;
import dev.roster.sync.UpstreamChange;
import dev.roster.sync.UpstreamTenants;
import dev.roster.sync.UserSync;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Applies one recorded event, in one transaction, through the operations a pull uses ({@code sync}): so the same
 * guards, audit rows, invalidation and outbox rules (origin upstream: never written back). An event older than the
 * newest one applied about its subject is skipped ({@code stale}): a late duplicate of {@code user.created} cannot
 * bring back a user the source deleted since. The outcome is kept on the event: {@code applied}, {@code unchanged},
 * {@code stale}, {@code ignored} (a type Roster does not apply). A refused change (unknown user or role, a guard) is
 * retried; an event whose data does not fit the directory's contract is dead at once.
 */
@Service
class InboundProcessor {

    private final InboundEvents events;
    private final DirectoryRecords records;
    private final UserSync users;
    private final UpstreamTenants tenants;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final MeterRegistry meters;

    InboundProcessor(
            InboundEvents events,
            DirectoryRecords records,
            UserSync users,
            UpstreamTenants tenants,
            TransactionTemplate tx,
            JsonMapper json,
            MeterRegistry meters) {
        this.events = events;
        this.records = records;
        this.users = users;
        this.tenants = tenants;
        this.tx = tx;
        this.json = json;
        this.meters = meters;
    }

    Delivery process(long id) {
        try {
            UpstreamChange change = java.util.Objects.requireNonNull(tx.execute(status -> apply(id)));
            if (change.outcome() == SyncOutcome.REFUSED) {
                count("refused");
                return Delivery.failed("refused: " + change.detail());
            }
            return Delivery.delivered();
        } catch (UpstreamCallFailed malformed) {
            count("malformed");
            return new Delivery.Gone(
                    "the event's data does not fit the directory's contract: " + malformed.getMessage());
        }
    }

    private UpstreamChange apply(long id) {
        Optional<InboundEvents.Recorded> found = events.lock(id);
        if (found.isEmpty() || found.get().outcome() != null) {
            return new UpstreamChange(SyncOutcome.UNCHANGED, "applied before"); // a job run again after a crash
        }
        InboundEvents.Recorded event = found.get();
        Optional<Instant> newest = events.position(event.source(), event.subject());
        if (newest.isPresent() && event.occurredAt().isBefore(newest.get())) {
            String why = "an event about " + event.subject() + " from " + newest.get() + " was applied already";
            events.outcome(id, "stale", why);
            count("stale");
            return new UpstreamChange(SyncOutcome.UNCHANGED, why);
        }
        JsonNode data = json.readTree(event.payload()).path("data");
        UpstreamChange change = dispatch(event.eventType(), data);
        if (change == null) {
            events.outcome(id, "ignored", "Roster does not apply " + event.eventType() + " events");
            count("ignored");
            return new UpstreamChange(SyncOutcome.UNCHANGED, null);
        }
        if (change.outcome() != SyncOutcome.REFUSED) {
            events.advance(event.source(), event.subject(), event.occurredAt(), event.eventId());
            String outcome = change.outcome() == SyncOutcome.CHANGED ? "applied" : "unchanged";
            events.outcome(id, outcome, change.detail());
            count(outcome);
        }
        return change;
    }

    /** The sync operation for the event's type; null for a type Roster does not apply. */
    private @org.jspecify.annotations.Nullable UpstreamChange dispatch(String type, JsonNode data) {
        return switch (type) {
            case "user.created", "user.updated" -> {
                UpstreamUser user = records.user(data);
                if (user.active() == null && type.equals("user.created")) {
                    user = active(user); // a user the directory just created is active unless it says otherwise
                }
                UserSync.Result result = users.apply(user, SyncTrigger.WEBHOOK, UserSync.Options.APPLY);
                yield new UpstreamChange(result.outcome(), result.detail());
            }
            case "user.deleted" -> users.applyGone(records.userId(data), SyncTrigger.WEBHOOK);
            case "membership.created", "membership.updated" -> {
                var assignment = records.assignment(data);
                yield users.applyMembership(
                        records.userId(data), assignment.tenant(), assignment.role(), SyncTrigger.WEBHOOK);
            }
            case "membership.deleted" ->
                users.applyMembership(records.userId(data), records.tenant(data), null, SyncTrigger.WEBHOOK);
            case "tenant.created", "tenant.updated" -> tenants.apply(records.tenant(data), SyncTrigger.WEBHOOK);
            case "tenant.deleted" -> tenants.applyGone(records.tenant(data).externalId(), SyncTrigger.WEBHOOK);
            default -> null;
        };
    }

    private static UpstreamUser active(UpstreamUser u) {
        return new UpstreamUser(
                u.externalId(),
                u.email(),
                u.emailVerified(),
                u.username(),
                u.firstName(),
                u.lastName(),
                u.middleName(),
                u.displayName(),
                u.image(),
                u.organization(),
                true,
                u.roles());
    }

    private void count(String outcome) {
        Counter.builder("roster.inbound.applied")
                .description("Inbound events applied, by outcome (refused: to be retried)")
                .tag("outcome", outcome)
                .register(meters)
                .increment();
    }
}
