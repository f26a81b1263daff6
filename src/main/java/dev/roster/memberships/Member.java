package dev.roster.memberships;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** One row of a tenant's member list. */
public record Member(
        UUID userId,
        String email,
        @Nullable String username,
        @Nullable String displayName,
        boolean isActive,
        String role,
        String roleUrn,
        String source,
        Instant createdAt,
        Instant updatedAt) {}
