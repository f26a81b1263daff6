/**
 * Changes the upstream pushes: webhook sources ({@code /v1/webhook-sources}, platform admins) send Standard Webhooks to
 * {@code POST /v1/webhook-sources/{name}/events}; each verified event is recorded once ({@code inbound_events}) and
 * applied later, through the outbox's {@code inbound} target, by the same operations in {@code sync} as a pull. See
 * docs/provisioning.md.
 */
@NullMarked
package dev.roster.inbound;

import org.jspecify.annotations.NullMarked;
