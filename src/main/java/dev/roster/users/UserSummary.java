package dev.roster.users;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A user as admins see them; {@code memberships} only on a single user's read (null in lists). */
public record UserSummary(
        UUID id,
        String email,
        boolean emailVerified,
        @Nullable String username,
        @Nullable String firstName,
        @Nullable String lastName,
        @Nullable String displayName,
        @Nullable String positionTitle,
        @Nullable String division,
        @Nullable String department,
        @Nullable String section,
        boolean isActive,
        boolean isLeader,
        Instant createdAt,
        Instant updatedAt,
        @Nullable Instant lastSyncedAt,
        @Nullable Instant lastRolesSyncAt,
        @Nullable List<TenantRole> memberships) {

    public record TenantRole(UUID tenantId, String slug, String name, String role) {}

    UserSummary withMemberships(List<TenantRole> memberships) {
        return new UserSummary(
                id,
                email,
                emailVerified,
                username,
                firstName,
                lastName,
                displayName,
                positionTitle,
                division,
                department,
                section,
                isActive,
                isLeader,
                createdAt,
                updatedAt,
                lastSyncedAt,
                lastRolesSyncAt,
                memberships);
    }
}
