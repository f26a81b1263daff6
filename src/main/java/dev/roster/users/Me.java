package dev.roster.users;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Everything {@code GET /v1/me} answers: the user's profile, settings and memberships, strongest role first. Cached
 * per node; any change to the user, their memberships or a tenant's name invalidates it.
 */
public record Me(
        UUID id,
        String email,
        boolean emailVerified,
        @Nullable String username,
        @Nullable String firstName,
        @Nullable String lastName,
        @Nullable String middleName,
        @Nullable String displayName,
        @Nullable String image,
        @Nullable String positionTitle,
        @Nullable String division,
        @Nullable String department,
        @Nullable String section,
        @Nullable String customTeam,
        @Nullable Integer hierarchyLevel,
        @Nullable UUID reportsToId,
        boolean isActive,
        boolean isLeader,
        JsonNode settings,
        List<Membership> memberships,
        @Nullable Instant lastRolesSyncAt,
        Instant createdAt,
        Instant updatedAt) {

    public record Membership(
            UUID tenantId,
            String slug,
            String name,
            String role,
            @JsonIgnore int rolePriority) {}

    public Optional<Membership> membershipIn(UUID tenantId) {
        for (Membership m : memberships) {
            if (m.tenantId().equals(tenantId)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** The tenant of the strongest role (ties: first by slug): the access token's {@code tid}. */
    @JsonIgnore
    public @Nullable UUID defaultTenantId() {
        return memberships.isEmpty() ? null : memberships.getFirst().tenantId();
    }
}
