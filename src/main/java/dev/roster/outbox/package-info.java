/**
 * The transactional outbox (docs/outbox.md): {@link dev.roster.outbox.Outbox#append} writes an event in the
 * transaction of the change it reports, one row per {@linkplain dev.roster.outbox.OutboxTarget target} that must hear
 * of it; the {@link dev.roster.outbox.Relay} of every node delivers them, in order per (target, aggregate), with
 * backoff, until delivered or dead. Depends on {@code platform} only, since every writer calls it.
 */
@NullMarked
package dev.roster.outbox;

import org.jspecify.annotations.NullMarked;
