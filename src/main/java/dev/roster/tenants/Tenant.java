package dev.roster.tenants;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

public record Tenant(
        UUID id,
        String slug,
        String name,
        @Nullable String externalId,
        @Nullable UUID parentId) {

    public static final UUID ROOT_ID = new UUID(0, 0);
}
