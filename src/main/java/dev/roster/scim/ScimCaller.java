package dev.roster.scim;

import java.util.List;
import java.util.UUID;

/**
 * The SCIM client behind a {@code /scim/v2} request, established by {@link ScimAuthentication} from its bearer token.
 *
 * @param tenantIds its live tenants: the only ones whose users and groups it sees (may be empty: it then sees nothing)
 */
public record ScimCaller(UUID clientId, String name, List<UUID> tenantIds) {

    static final String REQUEST_ATTRIBUTE = ScimCaller.class.getName();

    /** The audit log's name for this caller. */
    public String actor() {
        return "scim_client:" + clientId;
    }
}
