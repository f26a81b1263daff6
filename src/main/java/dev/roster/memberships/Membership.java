package dev.roster.memberships;

import java.util.UUID;

/** A user's role in a tenant, as a write answers it: with the {@code version} of that write. */
public record Membership(UUID userId, UUID tenantId, String role, String roleUrn, String source, long version) {}
