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
 */
@ConfigurationProperties("roster.inbound")
public record InboundSettings(
        @DefaultValue("24h") Duration secretOverlap,
        @DefaultValue("256KB") DataSize maxEventSize,
        @DefaultValue("30d") Duration retention) {}
