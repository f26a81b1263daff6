package dev.roster.users;

import java.util.UUID;

/**
 * Published (in the deactivating transaction) when a user is deactivated: whoever keeps something alive for the user,
 * such as their sessions, ends it in the same transaction.
 */
public record UserDeactivated(UUID userId) {}
