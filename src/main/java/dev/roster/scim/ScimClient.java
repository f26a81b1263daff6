package dev.roster.scim;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A SCIM client as the admin API shows it, never with a token.
 *
 * @param tenantIds the tenants whose users and groups it sees and changes (deleted ones included: they simply stop
 *     counting)
 * @param tokenCreatedAt when the current token was issued
 * @param previousTokenExpiresAt until when the token replaced by the last rotation keeps working, if it still does
 */
public record ScimClient(
        UUID id,
        String name,
        List<UUID> tenantIds,
        Instant createdAt,
        @Nullable Instant tokenCreatedAt,
        @Nullable Instant previousTokenExpiresAt) {}
