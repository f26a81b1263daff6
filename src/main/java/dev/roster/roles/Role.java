package dev.roster.roles;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A role; when several apply to one user in one tenant, the highest {@code priority} wins. */
public record Role(UUID id, @Nullable UUID tenantId, String slug, String name, int priority) {}
