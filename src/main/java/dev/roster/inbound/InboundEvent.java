package dev.roster.inbound;

import java.time.Instant;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An event a source sent, as operators see it: what it was, when it happened and arrived, and what applying it did
 * ({@code outcome} {@code pending} until applied; a refused or failing one shows its last error in the outbox, target
 * {@code inbound}).
 */
public record InboundEvent(
        long id,
        String eventId,
        String type,
        Instant occurredAt,
        Instant receivedAt,
        String subject,
        String outcome,
        @Nullable String detail,
        @Nullable Instant appliedAt,
        JsonNode data) {

    static InboundEvent of(InboundEvents.Recorded r, JsonMapper json) {
        return new InboundEvent(
                r.id(),
                r.eventId(),
                r.eventType(),
                r.occurredAt(),
                r.receivedAt(),
                r.subject(),
                r.outcome() == null ? "pending" : r.outcome(),
                r.detail(),
                r.appliedAt(),
                json.readTree(r.payload()).path("data"));
    }
}
