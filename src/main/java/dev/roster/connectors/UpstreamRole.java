package dev.roster.connectors;

import org.jspecify.annotations.Nullable;

/**
 * A global role as the upstream names it (webhooks' {@code role.*}): its own id (its slug when it has none), the slug
 * memberships name it by, and optionally a display name and a priority (the higher wins when several apply).
 */
public record UpstreamRole(
        String externalId,
        String slug,
        @Nullable String name,
        @Nullable Integer priority) {}
