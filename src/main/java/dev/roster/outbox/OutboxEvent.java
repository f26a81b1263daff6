package dev.roster.outbox;

import java.time.Instant;
import java.util.UUID;

/**
 * An event as a target delivers it. {@code eventId} is its idempotency key (the same on every attempt and for every
 * target); {@code sequence} increases per aggregate in commit order (the change's version), so a receiver can drop
 * an event older than one it already applied; {@code payload} is JSON.
 *
 * @param attempt which delivery attempt this is, from 1
 */
public record OutboxEvent(
        long id,
        UUID eventId,
        String target,
        String aggregateType,
        String aggregateId,
        long sequence,
        String eventType,
        String payload,
        Origin origin,
        Instant createdAt,
        int attempt) {}
