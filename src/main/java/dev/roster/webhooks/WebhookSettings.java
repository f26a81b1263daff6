package dev.roster.webhooks;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Change-feed webhooks: {@code roster.webhooks.*}, i.e. {@code ROSTER_WEBHOOKS_*}. docs/outbox.md explains each.
 *
 * @param allowPrivateNetworks subscriber URLs may resolve to private, loopback or link-local addresses (off: refused,
 *     so the feed cannot reach Roster's own network; dev mode allows loopback)
 * @param allowHttp subscriber URLs may be plain {@code http} (off: {@code https} only; dev mode allows it)
 * @param timeout how long a delivery waits for the subscriber's answer
 * @param secretOverlap after a secret rotation, how long deliveries are also signed with the previous secret
 */
@ConfigurationProperties("roster.webhooks")
public record WebhookSettings(
        @DefaultValue("false") boolean allowPrivateNetworks,
        @DefaultValue("false") boolean allowHttp,
        @DefaultValue("15s") Duration timeout,
        @DefaultValue("24h") Duration secretOverlap) {}
