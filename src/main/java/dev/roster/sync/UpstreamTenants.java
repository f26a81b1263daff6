package dev.roster.sync;

import dev.roster.connectors.UpstreamUser.UpstreamTenant;
import dev.roster.tenants.Tenant;
import dev.roster.tenants.TenantManagement;
import dev.roster.tenants.Tenants;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies what the upstream pushes about a tenant (webhooks' {@code tenant.*}): created from its data, renamed, or
 * deleted, each audited, announced and reported to subscribers with origin upstream (never written back). A tenant
 * Roster made itself (no external id) is not the upstream's to change.
 */
@Service
public class UpstreamTenants {

    private final Tenants tenants;
    private final TenantManagement management;
    private final UserSync sync;
    private final TransactionTemplate tx;

    UpstreamTenants(Tenants tenants, TenantManagement management, UserSync sync, TransactionTemplate tx) {
        this.tenants = tenants;
        this.management = management;
        this.sync = sync;
        this.tx = tx;
    }

    /** The upstream has {@code tenant}: Roster creates it, or takes its new name. */
    public UpstreamChange apply(UpstreamTenant tenant, SyncTrigger trigger) {
        return java.util.Objects.requireNonNull(tx.execute(status -> {
            String actor = sync.actor(trigger);
            Optional<Tenant> known = tenants.findByExternalId(tenant.externalId());
            if (known.isEmpty()) {
                tenants.findOrCreateFromUpstream(tenant.externalId(), tenant.name(), tenant.slug(), actor);
                return UpstreamChange.changed();
            }
            return management.renameFromUpstream(known.get().id(), tenant.name(), actor)
                    ? UpstreamChange.changed()
                    : UpstreamChange.unchanged("the name is the same, or the tenant is deleted in Roster");
        }));
    }

    /** The upstream deleted the tenant it calls {@code externalId}: soft-deleted in Roster too. */
    public UpstreamChange applyGone(String externalId, SyncTrigger trigger) {
        return java.util.Objects.requireNonNull(tx.execute(status -> {
            Optional<Tenant> known = tenants.findByExternalId(externalId);
            if (known.isEmpty()) {
                return UpstreamChange.unchanged("Roster has no tenant '" + externalId + "'");
            }
            return management.deleteFromUpstream(known.get().id(), sync.actor(trigger))
                    ? UpstreamChange.changed()
                    : UpstreamChange.unchanged("already deleted");
        }));
    }
}
