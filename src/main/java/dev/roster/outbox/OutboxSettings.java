package dev.roster.outbox;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The outbox relay: {@code roster.outbox.*}, i.e. {@code ROSTER_OUTBOX_*}. docs/outbox.md explains each.
 *
 * @param relay off: this node delivers nothing (others still do; events are written either way)
 * @param schedule the wait before each attempt: the first is usually immediate; after the last failed attempt the
 *     event is dead
 * @param jitter each wait is stretched or shrunk by up to this share at random, so retries do not come in waves
 * @param batchSize events claimed at once
 * @param concurrency deliveries in flight at once on this node
 * @param claimTimeout how long a node's claim on an event lasts: a node that dies mid-delivery gives the event up
 *     after this long (it must exceed twice the slowest target's timeout: a claimed event may wait for one delivery)
 * @param pollInterval how often the relay looks for due events when no notification woke it
 * @param shutdownGrace on shutdown, how long deliveries in flight may finish before their claims are released
 * @param retention delivered events are deleted after this long
 * @param deadRetention dead events (not replayed) are deleted after this long
 */
@ConfigurationProperties("roster.outbox")
public record OutboxSettings(
        @DefaultValue("true") boolean relay,

        @DefaultValue({"0s", "5s", "5m", "30m", "2h", "5h", "10h", "10h"})
        List<Duration> schedule,

        @DefaultValue("0.2") double jitter,
        @DefaultValue("100") int batchSize,
        @DefaultValue("16") int concurrency,
        @DefaultValue("1m") Duration claimTimeout,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("10s") Duration shutdownGrace,
        @DefaultValue("7d") Duration retention,
        @DefaultValue("30d") Duration deadRetention) {

    public OutboxSettings {
        if (schedule.isEmpty()) {
            throw new IllegalArgumentException("roster.outbox.schedule needs at least one attempt");
        }
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("roster.outbox.jitter must be at least 0 and below 1");
        }
        if (batchSize < 1 || concurrency < 1) {
            throw new IllegalArgumentException("roster.outbox.batch-size and concurrency must be positive");
        }
    }

    /** Attempts before an event is dead. */
    int attempts() {
        return schedule.size();
    }
}
