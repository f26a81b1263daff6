package dev.roster.inbound;

import dev.roster.connectors.DirectoryRecords;
import dev.roster.connectors.UpstreamCallFailed;
import dev.roster.connectors.UpstreamUser;
import dev.roster.outbox.OutboxTarget.Delivery;
import dev.roster.sync.SyncOutcome;
import dev.roster.sync.SyncTrigger;
import dev.roster.sync.UpstreamChange;
import dev.roster.sync.UpstreamRoles;
import dev.roster.sync.UpstreamTenants;
import dev.roster.sync.UserSync;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Applies one recorded event, in one transaction, through the operations a pull uses ({@code sync}): so the same
 * guards, audit rows, invalidation and outbox rules (origin upstream: never written back). An event older than the
 * newest one applied about the same fact (a user, one membership, a tenant) is skipped ({@code stale}), and a deletion
 * beats anything stamped with its time: a late duplicate of {@code user.created} cannot bring back a user the source
 * deleted since. The outcome is kept on the event: {@code applied}, {@code unchanged}, {@code stale}, {@code ignored}
 * (a type Roster does not apply) or {@code refused} (an unknown user or role, a guard: queued again once the user's
 * own event or the role's is applied, or by an operator). A failure (the database away) is retried in order on the outbox's
 * schedule; an event whose data no longer fits the directory's contract is dead at once.
 */
@Service
class InboundProcessor {

    private final InboundEvents events;
    private final InboundJobs jobs;
    private final DirectoryRecords records;
    private final UserSync users;
    private final UpstreamTenants tenants;
    private final UpstreamRoles roles;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final MeterRegistry meters;

    InboundProcessor(
            InboundEvents events,
            InboundJobs jobs,
            DirectoryRecords records,
            UserSync users,
            UpstreamTenants tenants,
            UpstreamRoles roles,
            TransactionTemplate tx,
            JsonMapper json,
            MeterRegistry meters) {
        this.events = events;
        this.jobs = jobs;
        this.records = records;
        this.users = users;
        this.tenants = tenants;
        this.roles = roles;
        this.tx = tx;
        this.json = json;
        this.meters = meters;
    }

    Delivery process(long id) {
        try {
            java.util.Objects.requireNonNull(tx.execute(status -> apply(id)));
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
        JsonNode data = json.readTree(event.payload()).path("data");
        String fact = fact(event.eventType(), data);
        boolean deletion = event.eventType().endsWith(".deleted");
        if (fact != null) {
            Optional<InboundEvents.Position> newest = events.position(fact);
            if (newest.isPresent() && newest.get().supersedes(event.occurredAt(), deletion)) {
                String why = "an event about " + fact + " from " + newest.get().occurredAt() + " was applied already";
                events.outcome(id, "stale", why);
                count("stale");
                return new UpstreamChange(SyncOutcome.UNCHANGED, why);
            }
        }
        UpstreamChange change = dispatch(event.eventType(), data);
        if (change == null) {
            events.outcome(id, "ignored", "Roster does not apply " + event.eventType() + " events");
            count("ignored");
            return new UpstreamChange(SyncOutcome.UNCHANGED, null);
        }
        if (change.outcome() == SyncOutcome.REFUSED) {
            // Recorded, not retried in place: waiting would hold up every later event about the same user (their
            // departure included). Queued again when the user's own event is applied, or by an operator.
            events.outcome(id, "refused", change.detail());
            count("refused");
            return change;
        }
        events.advance(
                java.util.Objects.requireNonNull(fact), event.occurredAt(), deletion, event.source(), event.eventId());
        String outcome = change.outcome() == SyncOutcome.CHANGED ? "applied" : "unchanged";
        events.outcome(id, outcome, change.detail());
        count(outcome);
        if (event.eventType().startsWith("user.") && !deletion) {
            // What was refused for want of this user (a membership that came first) may go now, after this.
            for (InboundEvents.Refused refused : events.refusedOf(event.source(), event.subject())) {
                if (events.reopen(refused.id())) {
                    queue(event.source(), refused);
                }
            }
        } else if (event.eventType().startsWith("role.") && !deletion && change.outcome() == SyncOutcome.CHANGED) {
            // And memberships refused for want of a role (seed 001: roles arrive by events of their own).
            for (InboundEvents.Refused refused :
                    events.reopenForWantOfARole(event.source(), UserSync.UNKNOWN_ROLE_REFUSAL)) {
                queue(event.source(), refused);
            }
        }
        return change;
    }

    /** Queues a reopened event again, after what is queued about its subject already. */
    private void queue(String source, InboundEvents.Refused r) {
        jobs.queue(r.id(), source, r.subject(), r.eventType(), r.eventId());
    }

    /**
     * The fact an event states, whose newest applied event it must not be older than: the user (profile and
     * activity), one membership, or a tenant; null for a type Roster does not apply.
     */
    private @org.jspecify.annotations.Nullable String fact(String type, JsonNode data) {
        String family = type.substring(0, type.indexOf('.'));
        return switch (family) {
            case "user" -> "user:" + records.userId(data);
            case "membership" ->
                "user:" + records.memberId(data) + "/tenant:"
                        + records.tenant(data).externalId();
            case "tenant" -> "tenant:" + records.tenant(data).externalId();
            case "role" -> "role:" + records.role(data).externalId();
            default -> null;
        };
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
                        records.memberId(data), assignment.tenant(), assignment.role(), SyncTrigger.WEBHOOK);
            }
            case "membership.deleted" ->
                users.applyMembership(records.memberId(data), records.tenant(data), null, SyncTrigger.WEBHOOK);
            case "tenant.created", "tenant.updated" -> tenants.apply(records.tenant(data), SyncTrigger.WEBHOOK);
            case "tenant.deleted" -> tenants.applyGone(records.tenant(data).externalId(), SyncTrigger.WEBHOOK);
            case "role.created", "role.updated" -> roles.apply(records.role(data), SyncTrigger.WEBHOOK);
            case "role.deleted" -> roles.applyGone(records.role(data).externalId(), SyncTrigger.WEBHOOK);
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
