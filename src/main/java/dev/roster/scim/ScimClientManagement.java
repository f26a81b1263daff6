package dev.roster.scim;

import dev.roster.authz.BuiltInRoles;
import dev.roster.authz.Caller;
import dev.roster.platform.AuditLog;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.InvalidationBus;
import dev.roster.platform.JsonBody;
import dev.roster.platform.Page;
import dev.roster.platform.RosterException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creating, listing, rotating and deleting SCIM clients (platform admins only). Every change is audited in its
 * transaction. A token leaves Roster only in the answer that issued it. Nothing is cached: every SCIM request looks
 * its token up, so a deleted client or an ended token is refused on the very next request, on every node.
 */
@Service
public class ScimClientManagement {

    /** The most tenants one client provisions. */
    public static final int MAX_TENANTS = 100;

    private final ScimClients clients;
    private final AuditLog audit;
    private final InvalidationBus bus;
    private final Duration overlap;

    ScimClientManagement(ScimClients clients, AuditLog audit, InvalidationBus bus, ScimSettings settings) {
        this.clients = clients;
        this.audit = audit;
        this.bus = bus;
        this.overlap = settings.tokenOverlap();
    }

    /** The client and its new bearer token, which is shown this once. */
    public record Issued(ScimClient client, String token) {}

    /**
     * A client of {@code tenantIds}: each a live tenant other than the root (whose members administer Roster itself
     * and are never provisioned from outside), else {@code 400 invalid_field}.
     */
    @Transactional
    public Issued create(Caller caller, String name, List<UUID> tenantIds) {
        var tenants = List.copyOf(new LinkedHashSet<>(tenantIds));
        if (tenants.isEmpty()) {
            throw JsonBody.invalid("tenant_ids", "must name at least one tenant.");
        }
        if (tenants.size() > MAX_TENANTS) {
            throw JsonBody.invalid("tenant_ids", "takes at most " + MAX_TENANTS + " tenants.");
        }
        if (tenants.contains(BuiltInRoles.ROOT_TENANT)) {
            throw JsonBody.invalid("tenant_ids", "cannot include the root tenant: its members administer Roster.");
        }
        var live = new LinkedHashSet<>(clients.provisionable(tenants, BuiltInRoles.ROOT_TENANT));
        for (UUID tenant : tenants) {
            if (!live.contains(tenant)) {
                throw JsonBody.invalid("tenant_ids", "names " + tenant + ", which is no live tenant.");
            }
        }
        bus.join();
        UUID id = UUID.randomUUID();
        String token = ScimTokens.newToken();
        clients.insert(id, name, tenants);
        clients.addToken(id, ScimTokens.hash(token));
        ScimClient created = clients.find(id).orElseThrow();
        audit.record(caller.actor(), "scim_client.created", target(id), null, created);
        return new Issued(created, token);
    }

    @Transactional(readOnly = true)
    public ScimClient get(UUID id) {
        return clients.find(id).orElseThrow(() -> notFound(id));
    }

    @Transactional(readOnly = true)
    public Page<ScimClient> list(@Nullable String cursor, int limit) {
        List<ScimClient> rows = clients.page(Page.uuidKey(cursor), limit + 1);
        return Page.of(rows, limit, clients.count(), c -> c.id().toString());
    }

    /**
     * A new token. The one it replaces keeps working for {@code ROSTER_SCIM_TOKEN_OVERLAP}; one replaced by an
     * earlier rotation ends now (at most two tokens ever work).
     */
    @Transactional
    public Issued rotateToken(Caller caller, UUID id, boolean endPrevious) {
        bus.join();
        if (!clients.lock(id)) {
            throw notFound(id);
        }
        ScimClient before = clients.find(id).orElseThrow();
        clients.retireCurrentToken(id, endPrevious ? Duration.ZERO : overlap);
        String token = ScimTokens.newToken();
        clients.addToken(id, ScimTokens.hash(token));
        ScimClient after = clients.find(id).orElseThrow();
        audit.record(caller.actor(), "scim_client.token_rotated", target(id), tokenState(before), tokenState(after));
        return new Issued(after, token);
    }

    /** Deletes the client and its tokens: its next request, on any node, is refused. */
    @Transactional
    public ScimClient delete(Caller caller, UUID id) {
        bus.join();
        if (!clients.lock(id)) {
            throw notFound(id);
        }
        ScimClient deleted = clients.find(id).orElseThrow();
        clients.delete(id);
        audit.record(caller.actor(), "scim_client.deleted", target(id), deleted, null);
        return deleted;
    }

    private static Map<String, Object> tokenState(ScimClient client) {
        var state = new LinkedHashMap<String, Object>();
        state.put("token_created_at", client.tokenCreatedAt());
        state.put("previous_token_expires_at", client.previousTokenExpiresAt());
        return state;
    }

    private static String target(UUID id) {
        return "scim_client:" + id;
    }

    private static RosterException notFound(UUID id) {
        return ErrorCode.SCIM_CLIENT_NOT_FOUND.problem("There is no SCIM client " + id + ".");
    }
}
