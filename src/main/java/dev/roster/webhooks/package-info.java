/**
 * The change feed: applications subscribe ({@code /v1/webhook-subscriptions}, platform admins) and receive Roster's
 * changes as Standard Webhooks, signed with their subscription's secret, delivered by the outbox
 * ({@link dev.roster.webhooks.WebhookTarget}). Subscriber URLs pass an allow-list policy ({@link
 * dev.roster.webhooks.UrlPolicy}) so the feed cannot be pointed at Roster's own network. See docs/outbox.md.
 */
@NullMarked
package dev.roster.webhooks;

import org.jspecify.annotations.NullMarked;
