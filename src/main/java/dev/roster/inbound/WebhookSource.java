package dev.roster.inbound;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A directory that pushes its changes to Roster, as the API shows it (never its secrets). */
public record WebhookSource(String name, @Nullable String description, Instant createdAt, long version) {}
