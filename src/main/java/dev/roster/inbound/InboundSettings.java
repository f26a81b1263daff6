package dev.roster.inbound;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Inbound webhooks: {@code roster.inbound.*}, i.e. {@code ROSTER_INBOUND_*}. docs/provisioning.md explains each.
 *
 * @param secretOverlap after a source's secret is rotated, how long deliveries signed with the previous one are still
 *     accepted (the directory's configuration catches up meanwhile)
 * @param maxEventSize the largest event accepted (413 beyond)
 * @param retention how long a settled event (applied, unchanged, stale, ignored) is kept on record; refused and
 *     pending ones stay until settled
 * @param applyConcurrency events applied at once on this node: each holds a database connection for its
 *     transaction, and the rest of the pool must stay free for requests (accepting more events among them)
 */
@ConfigurationProperties("roster.inbound")
public record InboundSettings(
        @DefaultValue("24h") Duration secretOverlap,
        @DefaultValue("256KB") DataSize maxEventSize,
        @DefaultValue("30d") Duration retention,
        @DefaultValue("4") int applyConcurrency) {

    public InboundSettings {
        if (applyConcurrency < 1) {
            throw new IllegalArgumentException("roster.inbound.apply-concurrency must be at least 1");
        }
    }
}
