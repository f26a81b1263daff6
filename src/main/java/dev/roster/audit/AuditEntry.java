package dev.roster.audit;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** One audit row: {@code before} null for a creation, {@code after} null for a deletion. */
public record AuditEntry(
        long id,
        Instant at,
        String actor,
        String action,
        String target,
        @Nullable UUID tenantId,
        @Nullable String requestId,
        @Nullable JsonNode before,
        @Nullable JsonNode after) {}
