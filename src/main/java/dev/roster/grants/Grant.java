package dev.roster.grants;

import dev.roster.outbox.SyncState;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A grant: {@code principal} may do {@code permission} on resources matching {@code selector} in the tenant. */
public record Grant(
        UUID id,
        UUID tenantId,
        String principal,
        String permission,
        String selector,
        Instant createdAt,
        @Nullable String createdBy,
        long version,
        @Nullable String syncState,
        @Nullable Integer syncAttempts,
        @Nullable String syncError) {

    /** This grant with the sync state of its latest change ({@code null}: none). */
    public Grant with(SyncState.@Nullable Of sync) {
        return sync == null
                ? this
                : new Grant(
                        id,
                        tenantId,
                        principal,
                        permission,
                        selector,
                        createdAt,
                        createdBy,
                        version,
                        sync.state(),
                        sync.attempts(),
                        sync.lastError());
    }
}
