package dev.roster.inbound;

import dev.roster.outbox.Origin;
import dev.roster.outbox.Outbox;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Queues the application of a recorded event: a job for the outbox's {@code inbound} target, in the caller's
 * transaction, ordered with the other jobs of its source and subject (the user or tenant it is about).
 */
@Component
class InboundJobs {

    /** The outbox's aggregate type of the jobs: their order is per source and subject. */
    static final String AGGREGATE = "inbound";

    private final Outbox outbox;

    InboundJobs(Outbox outbox) {
        this.outbox = outbox;
    }

    void queue(long inboundId, String source, String subject, String eventType, String eventId) {
        outbox.appendTo(
                List.of(InboundTarget.KIND),
                AGGREGATE,
                source + "/" + subject,
                eventType,
                Map.of("inbound_event_id", inboundId, "source", source, "event_id", eventId),
                Origin.UPSTREAM);
    }
}
