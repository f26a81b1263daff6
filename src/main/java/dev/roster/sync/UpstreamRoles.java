package dev.roster.sync;

import dev.roster.connectors.UpstreamRole;
import dev.roster.roles.RoleManagement;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies what the upstream pushes about its global roles (webhooks' {@code role.*}; seed 001: global roles are
 * populated by the provider's events): created, renamed or re-prioritised, deleted, each audited, announced to every
 * node's caches and reported to subscribers with origin upstream (never written back). The five built-ins are
 * Roster's own and never change.
 */
@Service
public class UpstreamRoles {

    private final RoleManagement management;
    private final UserSync sync;
    private final TransactionTemplate tx;

    UpstreamRoles(RoleManagement management, UserSync sync, TransactionTemplate tx) {
        this.management = management;
        this.sync = sync;
        this.tx = tx;
    }

    /** The upstream has {@code role}: Roster creates it, or takes its new slug, name and priority. */
    public UpstreamChange apply(UpstreamRole role, SyncTrigger trigger) {
        return java.util.Objects.requireNonNull(tx.execute(status -> change(management.applyGlobalFromUpstream(
                role.externalId(), role.slug(), role.name(), role.priority(), sync.actor(trigger)))));
    }

    /** The upstream deleted the global role it calls {@code externalId}. */
    public UpstreamChange applyGone(String externalId, SyncTrigger trigger) {
        return java.util.Objects.requireNonNull(
                tx.execute(status -> change(management.deleteGlobalFromUpstream(externalId, sync.actor(trigger)))));
    }

    private static UpstreamChange change(RoleManagement.Applied applied) {
        return switch (applied.outcome()) {
            case CHANGED -> UpstreamChange.changed();
            case UNCHANGED -> UpstreamChange.unchanged(applied.detail());
            case REFUSED -> UpstreamChange.refused(java.util.Objects.requireNonNull(applied.detail()));
        };
    }
}
