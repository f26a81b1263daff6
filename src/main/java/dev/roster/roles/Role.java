package dev.roster.roles;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A role: global (no tenant) — one of the five built-ins, or one the upstream defines ({@code externalId}, its id
 * there) — or a tenant's own. When several apply to one user in one tenant, the highest {@code priority} wins. Its
 * principal name is its URN, {@code role:global:<id>} or {@code role:tenant:<id>}.
 */
public record Role(
        UUID id,
        @Nullable UUID tenantId,
        String slug,
        String name,
        int priority,
        @Nullable String externalId,
        long version) {

    @JsonProperty("urn")
    public String urn() {
        return (tenantId == null ? "role:global:" : "role:tenant:") + id;
    }

    @JsonProperty("built_in")
    public boolean builtIn() {
        return tenantId == null && externalId == null;
    }
}
