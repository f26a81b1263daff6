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

    InboundTarget(InboundProcessor processor, JsonMapper json) {
        this.processor = processor;
        this.json = json;
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

    @Override
    public Delivery deliver(OutboxEvent event) {
        long id = json.readTree(event.payload()).path("inbound_event_id").asLong();
        return processor.process(id);
    }
}
