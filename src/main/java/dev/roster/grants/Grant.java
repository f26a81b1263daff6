package dev.roster.grants;

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
        long version) {}
