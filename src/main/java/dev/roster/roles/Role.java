package dev.roster.roles;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A role; when several apply to one user in one tenant, the highest {@code priority} wins. */
public record Role(UUID id, @Nullable UUID tenantId, String slug, String name, int priority) {

    /** {@code role:global:<id>} or {@code role:tenant:<id>}. */
    public String urn() {
        return (tenantId == null ? "role:global:" : "role:tenant:") + id;
    }
}
