package dev.roster.memberships;

import dev.roster.outbox.SyncState;
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
        Instant updatedAt,
        @Nullable String syncState,
        @Nullable Integer syncAttempts,
        @Nullable String syncError) {

    /** This member with the sync state of their membership's latest change ({@code null}: none). */
    public Member with(SyncState.@Nullable Of sync) {
        return sync == null
                ? this
                : new Member(
                        userId,
                        email,
                        username,
                        displayName,
                        isActive,
                        role,
                        roleUrn,
                        source,
                        createdAt,
                        updatedAt,
                        sync.state(),
                        sync.attempts(),
                        sync.lastError());
    }
}
