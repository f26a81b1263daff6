package dev.roster.serviceaccounts;

import dev.roster.authz.Caller;
import dev.roster.platform.AuditLog;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.InvalidationBus;
import dev.roster.platform.Page;
import dev.roster.platform.RosterException;
import dev.roster.users.UserManagement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creating, listing, rotating and deactivating service accounts (platform admins only). Every change is audited in
 * its transaction. A secret leaves Roster only in the answer that created it.
 */
@Service
public class ServiceAccountManagement {

    private final ServiceAccounts accounts;
    private final UserManagement users;
    private final AuditLog audit;
    private final InvalidationBus bus;
    private final Duration overlap;

    ServiceAccountManagement(
            ServiceAccounts accounts,
            UserManagement users,
            AuditLog audit,
            InvalidationBus bus,
            ServiceAccountSettings settings) {
        this.accounts = accounts;
        this.users = users;
        this.audit = audit;
        this.bus = bus;
        this.overlap = settings.secretOverlap();
    }

    /** The account and its new secret, which is shown this once. */
    public record Issued(ServiceAccount account, String clientSecret) {}

    @Transactional
    public Issued create(Caller caller, String name, @Nullable String description) {
        bus.join();
        UUID id = UUID.randomUUID();
        String clientId = ClientSecrets.newClientId();
        String secret = ClientSecrets.newSecret();
        accounts.insert(id, clientId, name, description);
        accounts.addSecret(id, ClientSecrets.hash(secret));
        ServiceAccount created = accounts.find(id).orElseThrow();
        audit.record(caller.actor(), "service_account.created", target(id), null, created);
        return new Issued(created, secret);
    }

    @Transactional(readOnly = true)
    public ServiceAccount get(UUID id) {
        return accounts.find(id).orElseThrow(() -> notFound(id));
    }

    @Transactional(readOnly = true)
    public Page<ServiceAccount> list(@Nullable String cursor, int limit) {
        List<ServiceAccount> rows = accounts.page(Page.uuidKey(cursor), limit + 1);
        return Page.of(rows, limit, accounts.count(), a -> a.id().toString());
    }

    /**
     * A new secret. The one it replaces keeps working for {@code ROSTER_SERVICE_ACCOUNTS_SECRET_OVERLAP}; one replaced
     * by an earlier rotation ends now (at most two secrets ever work). Tokens already issued live on until they expire.
     */
    @Transactional
    public Issued rotateSecret(Caller caller, UUID id) {
        bus.join();
        if (!accounts.lock(id)) {
            throw notFound(id);
        }
        ServiceAccount before = accounts.find(id).orElseThrow();
        accounts.retireCurrentSecret(id, overlap);
        String secret = ClientSecrets.newSecret();
        accounts.addSecret(id, ClientSecrets.hash(secret));
        ServiceAccount after = accounts.find(id).orElseThrow();
        audit.record(
                caller.actor(), "service_account.secret_rotated", target(id), secretState(before), secretState(after));
        return new Issued(after, secret);
    }

    /**
     * Deactivates the account's user (its tokens' sessions end in this transaction, so every node refuses them from
     * the next request on) and deletes its secrets: a later reactivation ({@code POST /v1/users/{id}:reactivate})
     * needs a rotation before the account can authenticate again. Deactivating again changes nothing.
     */
    @Transactional
    public ServiceAccount deactivate(Caller caller, UUID id) {
        bus.join();
        if (!accounts.lock(id)) {
            throw notFound(id);
        }
        ServiceAccount before = accounts.find(id).orElseThrow();
        users.deactivate(caller, id);
        int removed = accounts.deleteSecrets(id);
        ServiceAccount after = accounts.find(id).orElseThrow();
        if (before.isActive() || removed > 0) {
            var state = new LinkedHashMap<String, Object>();
            state.put("is_active", false);
            state.put("secrets_removed", removed);
            audit.record(
                    caller.actor(),
                    "service_account.deactivated",
                    target(id),
                    Map.of("is_active", before.isActive()),
                    state);
        }
        return after;
    }

    private static Map<String, Object> secretState(ServiceAccount account) {
        var state = new LinkedHashMap<String, Object>();
        state.put("secret_created_at", account.secretCreatedAt());
        state.put("previous_secret_expires_at", account.previousSecretExpiresAt());
        return state;
    }

    private static String target(UUID id) {
        return "service_account:" + id;
    }

    private static RosterException notFound(UUID id) {
        return ErrorCode.SERVICE_ACCOUNT_NOT_FOUND.problem("There is no service account " + id + ".");
    }
}
