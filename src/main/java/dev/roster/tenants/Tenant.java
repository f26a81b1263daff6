package dev.roster.tenants;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A tenant as the API shows it; {@code version} is that of its last change (for {@code If-Match}). */
public record Tenant(
        UUID id,
        String slug,
        String name,
        @Nullable String externalId,
        @Nullable UUID parentId,
        boolean rbacEnabled,
        long version,
        Instant createdAt,
        Instant updatedAt) {}
