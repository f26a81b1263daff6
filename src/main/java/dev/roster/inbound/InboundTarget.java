package dev.roster.inbound;

import dev.roster.outbox.Origin;
import dev.roster.outbox.OutboxEvent;
import dev.roster.outbox.OutboxTarget;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The outbox's {@code inbound} target: applying what a webhook source sent. Each recorded event has one job here,
 * written when it was accepted; the relay runs the jobs of one source and subject one at a time in the order they
 * came, retries a refused one on the outbox's schedule, and keeps a dead one for operators ({@code GET
 * /v1/outbox?target=inbound}), like any delivery.
 */
@Component
class InboundTarget implements OutboxTarget {

    static final String KIND = "inbound";

    private final InboundProcessor processor;
    private final JsonMapper json;
    private final java.util.concurrent.Semaphore applying;

    InboundTarget(InboundProcessor processor, JsonMapper json, InboundSettings settings) {
        this.processor = processor;
        this.json = json;
        this.applying = new java.util.concurrent.Semaphore(settings.applyConcurrency());
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** Jobs are written by the receiver for its target alone; no change of Roster's goes here. */
    @Override
    public List<String> targetsFor(String eventType, Origin origin) {
        return List.of();
    }

    /**
     * Applies the event, at most {@code ROSTER_INBOUND_APPLY_CONCURRENCY} at once: the relay may run many more
     * deliveries than the pool has connections, and a burst of events must not take every connection from the
     * requests (which, accepting events, would then accept no faster than they are applied).
     */
    @Override
    public Delivery deliver(OutboxEvent event) {
        long id = json.readTree(event.payload()).path("inbound_event_id").asLong();
        applying.acquireUninterruptibly();
        try {
            return processor.process(id);
        } finally {
            applying.release();
        }
    }
}
