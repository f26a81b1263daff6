package dev.roster.sync;

import dev.roster.connectors.UpstreamConnector;
import dev.roster.connectors.UpstreamUser;
import dev.roster.connectors.UpstreamUser.RoleAssignment;
import dev.roster.connectors.UpstreamUser.UpstreamTenant;
import dev.roster.memberships.MembershipManagement;
import dev.roster.outbox.Origin;
import dev.roster.outbox.Outbox;
import dev.roster.platform.AuditLog;
import dev.roster.platform.InvalidationBus;
import dev.roster.platform.LogThrottle;
import dev.roster.roles.Role;
import dev.roster.roles.Roles;
import dev.roster.serviceaccounts.ServiceAccount;
import dev.roster.sync.SyncedUsers.Held;
import dev.roster.sync.SyncedUsers.Owner;
import dev.roster.tenants.Tenant;
import dev.roster.tenants.Tenants;
import dev.roster.users.UserDeactivated;
import dev.roster.users.UserViews;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one operation every entry point shares: <em>apply what the upstream says about this user</em>. In one
 * transaction it upserts the profile, applies the upstream's word on the account's activity, reconciles the user's
 * upstream memberships to exactly what the upstream names (creating tenants it names that Roster does not know),
 * writes the audit rows and invalidates the user's cached view on every node. Memberships assigned in Roster
 * ({@code source = local}) and those a SCIM client provisioned ({@code scim}) are never touched. Guards refuse answers that look like an upstream fault rather than a
 * change (see {@link RoleDiff#refusal}). It joins the caller's transaction when there is one (sign-in commits the
 * user and the session together).
 */
@Service
public class UserSync {

    /** How a membership refused for want of its role is explained: a role's arrival looks for it. */
    public static final String UNKNOWN_ROLE_REFUSAL = "Roster knows no role ";

    private static final Logger log = LoggerFactory.getLogger(UserSync.class);

    private final LogThrottle refusalErrors = new LogThrottle(Duration.ofMinutes(1));

    private final UpstreamConnector upstream;
    private final SyncedUsers users;
    private final Tenants tenants;
    private final Roles roles;
    private final MembershipManagement memberships;
    private final BootstrapAdmins bootstrapAdmins;
    private final AuditLog audit;
    private final Outbox outbox;
    private final UpstreamWriteBack writeBack;
    private final InvalidationBus bus;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;
    private final SyncSettings settings;
    private final SyncMetrics metrics;

    UserSync(
            UpstreamConnector upstream,
            SyncedUsers users,
            Tenants tenants,
            Roles roles,
            MembershipManagement memberships,
            BootstrapAdmins bootstrapAdmins,
            AuditLog audit,
            Outbox outbox,
            UpstreamWriteBack writeBack,
            InvalidationBus bus,
            ApplicationEventPublisher events,
            TransactionTemplate tx,
            SyncSettings settings,
            SyncMetrics metrics) {
        this.upstream = upstream;
        this.users = users;
        this.tenants = tenants;
        this.roles = roles;
        this.memberships = memberships;
        this.bootstrapAdmins = bootstrapAdmins;
        this.audit = audit;
        this.outbox = outbox;
        this.writeBack = writeBack;
        this.bus = bus;
        this.events = events;
        this.tx = tx;
        this.settings = settings;
        this.metrics = metrics;
    }

    /**
     * How to apply. {@code dryRun}: compute everything, keep nothing. {@code acceptRemovals}: an operator's
     * override of the removal guards for this one sync.
     */
    public record Options(boolean dryRun, boolean acceptRemovals) {
        public static final Options APPLY = new Options(false, false);
    }

    /** What one sync did (or, in a dry run, would do). {@code detail} says why a guard stopped it or what failed. */
    public record Result(
            UUID userId,
            SyncOutcome outcome,
            RoleDiff diff,
            boolean active,
            @Nullable String detail) {}

    /**
     * The name users of the current upstream are stored under ({@code users.provider}). Every sync selects and
     * upserts users by it, so it must never be the service accounts' provider: they are Roster's own and no upstream
     * speaks for them.
     */
    public String provider() {
        String provider = upstream.provider();
        if (ServiceAccount.PROVIDER.equals(provider)) {
            throw new IllegalStateException("the upstream's provider may not be " + ServiceAccount.PROVIDER);
        }
        return provider;
    }

    /** Applies the upstream's answer about a user it knows. */
    public Result apply(UpstreamUser user, SyncTrigger trigger, Options options) {
        return metered(
                trigger,
                () -> inTransaction(options, () -> applyInTransaction(user, trigger, options, actor(trigger), false)),
                Result::outcome);
    }

    private static Result overtaken(SyncedUsers.Claimed claimed) {
        return new Result(
                claimed.id(),
                SyncOutcome.SKIPPED_TTL,
                RoleDiff.NONE,
                true,
                "a newer sync of the user came first; this answer was not applied");
    }

    /**
     * Applies a provisioner's whole statement of a user ({@link SyncTrigger#SCIM}): as {@link #apply}, with the same
     * guards, audit, outbox and invalidation, except that the name fields it leaves out are cleared (it states the
     * whole profile, where a token often carries only part of it), an address it does not vouch for keeps the
     * verification of the same stored address, and the audit rows name {@code actor}, the provisioner. Its roles
     * must be null: memberships are provisioned one by one ({@link #applyMembership(UUID, UUID, UUID, SyncTrigger,
     * String)}).
     */
    public Result provision(UpstreamUser user, String actor) {
        if (user.roles() != null) {
            throw new IllegalArgumentException("a provisioned profile says nothing about roles");
        }
        return metered(
                SyncTrigger.SCIM,
                () -> inTransaction(
                        Options.APPLY, () -> applyInTransaction(user, SyncTrigger.SCIM, Options.APPLY, actor, true)),
                Result::outcome);
    }

    /**
     * A provisioner's word that the user is gone (SCIM {@code DELETE}): deactivated as by {@link #applyGone(UUID,
     * SyncTrigger, Options)}, with its guard; the audit rows name {@code actor}.
     */
    public Result deprovision(UUID userId, String actor) {
        return metered(
                SyncTrigger.SCIM,
                () -> gone(userId, Options.APPLY, actor, "the provisioner deleted the user"),
                Result::outcome);
    }

    /**
     * Applies the upstream's answer that it does not know the user (404): the user is deactivated, memberships kept
     * for audit and a later return. Guarded like removals: many such answers at once are an outage.
     */
    public Result applyGone(UUID userId, SyncTrigger trigger, Options options) {
        return metered(
                trigger,
                () -> gone(userId, options, actor(trigger), "the upstream does not know the user"),
                Result::outcome);
    }

    /**
     * Runs a door's sync and counts it ({@code roster_role_sync_total}, its duration), unless it is a pull, which its
     * caller counts with the directory's time included. A failure is counted as {@link SyncOutcome#FAILED} and
     * thrown on.
     */
    private <T> T metered(
            SyncTrigger trigger,
            java.util.function.Supplier<T> work,
            java.util.function.Function<T, SyncOutcome> outcome) {
        if (trigger.pulled()) {
            return work.get();
        }
        long start = System.nanoTime();
        try {
            T result = work.get();
            metrics.synced(trigger, outcome.apply(result), Duration.ofNanos(System.nanoTime() - start));
            return result;
        } catch (RuntimeException e) {
            metrics.synced(trigger, SyncOutcome.FAILED, Duration.ofNanos(System.nanoTime() - start));
            throw e;
        }
    }

    private Result gone(UUID userId, Options options, String actor, String why) {
        return inTransaction(options, () -> goneInTransaction(userId, options, actor, why));
    }

    private Result goneInTransaction(UUID userId, Options options, String actor, String why) {
        boolean wasActive = users.activity(userId);
        SyncOutcome outcome = SyncOutcome.UNCHANGED;
        String refusal = null;
        if (wasActive) {
            refusal = deactivate(userId, actor, why, options);
            outcome = refusal == null ? SyncOutcome.CHANGED : SyncOutcome.REFUSED;
        }
        if (refusal == null) {
            users.markRolesSynced(userId);
            bus.publish(UserViews.TOPIC, userId.toString());
        }
        return new Result(userId, outcome, RoleDiff.NONE, wasActive && refusal != null, refusal);
    }

    private <T> T inTransaction(Options options, java.util.function.Supplier<T> work) {
        T result = tx.execute(status -> {
            T r = work.get();
            if (options.dryRun()) {
                status.setRollbackOnly();
            }
            return r;
        });
        return java.util.Objects.requireNonNull(result);
    }

    private Result applyInTransaction(
            UpstreamUser user, SyncTrigger trigger, Options options, String actor, boolean provisioned) {
        return applyUpserted(users.upsertProfile(provider(), user, provisioned), user, trigger, options, actor);
    }

    /** A pull's answer: the claim it holds, and the user the directory described, or null (it does not know them). */
    record Pulled(SyncedUsers.Claimed claimed, @Nullable UpstreamUser user) {}

    /**
     * Applies the directory's answers to pulls (one, or the sweep's batch) in one transaction: the claims still held
     * locked in one statement, the profiles written in one, then each user as {@link #apply} or {@link #applyGone}
     * would — same guards, audit, outbox, invalidation (one announcement for all). An answer whose claim is no longer
     * its pull's is not applied ({@link SyncOutcome#SKIPPED_TTL}: a sign-in came in between with newer word, or the
     * claim lapsed and another sync took it). Results in {@code pulled}'s order. A failure fails them all (nothing
     * applied); a batch's caller then applies them one by one.
     */
    List<Result> applyPulled(List<Pulled> pulled, SyncTrigger trigger, Options options) {
        String actor = actor(trigger);
        return inTransaction(options, () -> {
            Set<UUID> held =
                    users.lockClaims(pulled.stream().map(Pulled::claimed).toList());
            List<UpstreamUser> found = pulled.stream()
                    .filter(p -> p.user() != null && held.contains(p.claimed().id()))
                    .map(Pulled::user)
                    .toList();
            Map<String, SyncedUsers.Upserted> rows =
                    found.isEmpty() ? Map.of() : users.updateProfiles(provider(), found);
            List<Result> results = new ArrayList<>(pulled.size());
            for (Pulled p : pulled) {
                SyncedUsers.Claimed claimed = p.claimed();
                UpstreamUser user = p.user();
                if (!held.contains(claimed.id())) {
                    results.add(overtaken(claimed));
                } else if (user == null) {
                    results.add(goneInTransaction(claimed.id(), options, actor, "the upstream does not know the user"));
                } else {
                    // No row: the user is gone from Roster since the claim (only tests delete users): nothing to do.
                    SyncedUsers.Upserted row = rows.get(user.externalId());
                    results.add(row != null ? applyUpserted(row, user, trigger, options, actor) : overtaken(claimed));
                }
            }
            return results;
        });
    }

    private Result applyUpserted(
            SyncedUsers.Upserted row, UpstreamUser user, SyncTrigger trigger, Options options, String actor) {
        boolean changed = row.changed();
        if (row.created()) {
            audit.record(
                    actor,
                    "user.provisioned",
                    "user:" + row.id(),
                    null,
                    Map.of("email", user.email(), "external_id", user.externalId()));
        }
        boolean active = row.active();
        String refusal = null;
        if (Boolean.FALSE.equals(user.active()) && active) {
            refusal = deactivate(row.id(), actor, "the upstream marks the user inactive", options);
            active = refusal != null;
            changed |= refusal == null;
        } else if (Boolean.TRUE.equals(user.active()) && !active && "upstream".equals(row.deactivatedBy())) {
            users.setActivity(row.id(), true);
            audit.record(
                    actor,
                    "user.reactivated",
                    "user:" + row.id(),
                    Map.of("is_active", false),
                    Map.of("is_active", true));
            outbox.append(
                    Outbox.USER,
                    row.id().toString(),
                    "user.reactivated",
                    Map.of("user_id", row.id(), "is_active", true),
                    Origin.UPSTREAM);
            active = true;
            changed = true;
        }
        RoleDiff diff = RoleDiff.NONE;
        List<RoleAssignment> said = user.roles();
        // An inactive user's memberships are kept as they are, for audit and a return: a directory that lists a
        // leaver with no roles is not asking for their removal.
        if (said != null && refusal == null && active) {
            Reconciled reconciled = reconcile(row.id(), said, actor, options);
            diff = reconciled.diff();
            refusal = reconciled.refusal();
            changed |= !diff.isEmpty() && refusal == null;
        }
        // A pull that says nothing about roles still leaves the user in step with the directory (nothing to apply);
        // a sign-in token without roles does not: the directory, if there is one, is asked soon.
        // Nor does a pushed profile without roles (a webhook's user.updated, a SCIM write): it says nothing about them
        // either.
        boolean synced = refusal == null
                && (said != null
                        || (trigger != SyncTrigger.SIGN_IN
                                && trigger != SyncTrigger.WEBHOOK
                                && trigger != SyncTrigger.SCIM));
        if (synced) {
            users.markRolesSynced(row.id());
        }
        // Only a sign-in of an active user, with an address the upstream vouches for, makes a bootstrap admin: never
        // a pull, which would hand platform administration to whoever's record the directory edits.
        if (!options.dryRun()
                && trigger == SyncTrigger.SIGN_IN
                && active
                && bootstrapAdmins.applies(user.email(), user.emailVerified())) {
            changed |= memberships.grantPlatformAdmin(row.id(), BootstrapAdmins.ACTOR);
        }
        // The cached view shows last_roles_sync_at, and a refresh reads it there to decide whether to sync: a sync
        // that moves it is a change of the view, even when nothing else changed (one NOTIFY per transaction anyway).
        if (changed || synced) {
            bus.publish(UserViews.TOPIC, row.id().toString());
        }
        SyncOutcome outcome =
                refusal != null ? SyncOutcome.REFUSED : changed ? SyncOutcome.CHANGED : SyncOutcome.UNCHANGED;
        return new Result(row.id(), outcome, diff, active, refusal);
    }

    private record Reconciled(RoleDiff diff, @Nullable String refusal) {}

    /**
     * Brings the user's upstream memberships to exactly what the upstream says: per tenant the strongest role it
     * names; tenants it names that Roster does not know are created (in one order, so that concurrent syncs creating
     * the same tenants cannot deadlock); roles Roster does not know are skipped, never a reason to drop the others.
     */
    private Reconciled reconcile(UUID userId, List<RoleAssignment> said, String actor, Options options) {
        List<Held> held = users.memberships(userId);
        // Roster's own changes not yet written back: the directory's older word does not undo them.
        Set<UUID> awaiting = writeBack.awaiting(userId);
        Map<String, Held> heldByTenant = new LinkedHashMap<>();
        Map<UUID, Held> heldByTenantId = new LinkedHashMap<>();
        int upstreamHeld = 0;
        for (Held h : held) {
            heldByTenantId.put(h.tenantId(), h);
            if (h.ownedBy(Owner.UPSTREAM)) {
                upstreamHeld++;
                heldByTenant.put(key(h), h);
            }
        }
        // The strongest role per upstream tenant, in the tenants' order.
        Map<String, Wanted> wanted = new TreeMap<>();
        Map<String, Optional<Role>> bySlug = new HashMap<>();
        for (RoleAssignment assignment : said) {
            Optional<Role> role = bySlug.computeIfAbsent(assignment.role(), roles::globalToHold);
            if (role.isEmpty()) {
                log.warn("the upstream names a role Roster does not know, '{}'; skipping it", assignment.role());
                continue;
            }
            wanted.merge(
                    assignment.tenant().externalId(),
                    new Wanted(assignment, role.get()),
                    (a, b) -> a.role().priority() >= b.role().priority() ? a : b);
        }
        // First the difference, reading only: a refused answer must leave nothing behind, not even a tenant.
        List<Pending> pending = new ArrayList<>();
        for (var entry : wanted.entrySet()) {
            Wanted w = entry.getValue();
            Held current = heldByTenant.remove(entry.getKey());
            if (current != null && awaiting.contains(current.tenantId())) {
                continue;
            }
            if (current != null) {
                if (!current.roleId().equals(w.role().id())) {
                    pending.add(new Pending(
                            "membership.changed",
                            current.tenantId(),
                            w,
                            new RoleDiff.Change(
                                    entry.getKey(),
                                    current.tenantName(),
                                    current.role(),
                                    w.role().slug())));
                }
                continue;
            }
            Optional<Tenant> known = tenants.findByExternalId(entry.getKey());
            if (known.isPresent() && tenants.find(known.get().id()).isEmpty()) {
                continue; // Deleted in Roster: no one joins it any more (as with a pushed membership).
            }
            Held local = known.map(t -> heldByTenantId.get(t.id())).orElse(null);
            if (local != null && !local.ownedBy(Owner.UPSTREAM)) {
                continue; // Assigned in Roster, or provisioned over SCIM: its owner's word stands.
            }
            if (known.isPresent() && awaiting.contains(known.get().id())) {
                continue; // Revoked in Roster, not yet written back: Roster's word stands.
            }
            String name = known.map(Tenant::name).orElse(w.assignment().tenant().name());
            pending.add(new Pending(
                    "membership.added",
                    known.map(Tenant::id).orElse(null),
                    w,
                    new RoleDiff.Change(entry.getKey(), name, null, w.role().slug())));
        }
        // What Roster holds from the upstream that the upstream no longer names.
        for (var entry : heldByTenant.entrySet()) {
            Held h = entry.getValue();
            if (awaiting.contains(h.tenantId())) {
                continue;
            }
            pending.add(new Pending(
                    "membership.removed",
                    h.tenantId(),
                    null,
                    new RoleDiff.Change(entry.getKey(), h.tenantName(), h.role(), null)));
        }
        RoleDiff diff = new RoleDiff(
                changes(pending, "membership.added"),
                changes(pending, "membership.changed"),
                changes(pending, "membership.removed"));
        String refusal = options.acceptRemovals()
                ? null
                : diff.refusal(upstreamHeld, said.isEmpty(), settings.allowEmptyRoles(), settings.maxRemovalShare());
        if (refusal != null) {
            logRefusal("refused to apply the upstream's roles for user " + userId + ": " + refusal);
            metrics.refused("roles");
            return new Reconciled(diff, refusal);
        }
        // Then the writes: new tenants in the upstream's order (pending is in it), memberships in tenant id order,
        // so that concurrent syncs creating the same tenants or touching the same rows cannot deadlock.
        Map<UUID, Pending> byTenant = new TreeMap<>();
        for (Pending p : pending) {
            UUID tenantId = p.tenantId();
            if (tenantId == null) {
                var upstreamTenant = p.wanted().assignment().tenant();
                tenantId = tenants.findOrCreateFromUpstream(
                                upstreamTenant.externalId(), upstreamTenant.name(), upstreamTenant.slug(), actor)
                        .id();
            }
            byTenant.put(tenantId, p);
        }
        for (var entry : byTenant.entrySet()) {
            Pending p = entry.getValue();
            writeMembership(
                    Owner.UPSTREAM,
                    actor,
                    userId,
                    entry.getKey(),
                    p.action(),
                    p.wanted() == null ? null : p.wanted().role(),
                    p.change());
        }
        return new Reconciled(diff, null);
    }

    /**
     * One membership of {@code owner}'s written ({@code role}) or removed ({@code null}): the row, its audit row, its
     * event for the outbox (origin upstream: never written back).
     */
    private void writeMembership(
            Owner owner,
            String actor,
            UUID userId,
            UUID tenantId,
            String action,
            @Nullable Role role,
            RoleDiff.Change change) {
        if (role == null) {
            users.removeOwnedMembership(owner, userId, tenantId);
        } else {
            users.putOwnedMembership(owner, userId, tenantId, role.id());
        }
        auditMembership(owner, actor, userId, action, tenantId, change);
        var payload = new java.util.LinkedHashMap<String, Object>();
        payload.put("user_id", userId);
        payload.put("tenant_id", tenantId);
        if (role != null) {
            payload.put("role_id", role.id());
            payload.put("role", role.slug());
        }
        // The event types of the admin API's changes: subscribers see one vocabulary whoever made the change.
        String type = switch (action) {
            case "membership.added" -> "membership.assigned";
            case "membership.removed" -> "membership.revoked";
            default -> action;
        };
        outbox.append(
                Outbox.USER,
                userId.toString(),
                MembershipManagement.subject(userId, tenantId),
                type,
                payload,
                Origin.UPSTREAM);
    }

    /**
     * Applies the upstream's word that the user it calls {@code externalId} is gone (a {@code user.deleted} it
     * pushed), as {@link #applyGone(UUID, SyncTrigger, Options)}; unchanged when Roster never had the user.
     */
    public UpstreamChange applyGone(String externalId, SyncTrigger trigger) {
        Optional<UUID> userId = users.findByExternalId(provider(), externalId);
        if (userId.isEmpty()) {
            metrics.synced(trigger, SyncOutcome.UNCHANGED, Duration.ZERO);
            return UpstreamChange.unchanged("Roster has no user '" + externalId + "'");
        }
        Result result = applyGone(userId.get(), trigger, Options.APPLY);
        return new UpstreamChange(result.outcome(), result.detail());
    }

    /**
     * Applies one membership the upstream pushed: the user it calls {@code userExternalId} holds {@code role} (a global
     * role's slug) in {@code tenant}, created from the upstream's data if Roster does not know it; with {@code role}
     * null, the user no longer holds anything there. As a pull would: a membership assigned in Roster, or one whose
     * change Roster has not yet written back, stays as it is; no guard on counts (the upstream named this one change).
     * Refused when Roster does not know the user or the role.
     */
    public UpstreamChange applyMembership(
            String userExternalId, UpstreamTenant tenant, @Nullable String role, SyncTrigger trigger) {
        return metered(
                trigger,
                () -> applyMembershipInTransaction(userExternalId, tenant, role, trigger),
                UpstreamChange::outcome);
    }

    private UpstreamChange applyMembershipInTransaction(
            String userExternalId, UpstreamTenant tenant, @Nullable String role, SyncTrigger trigger) {
        return java.util.Objects.requireNonNull(tx.execute(status -> {
            Optional<UUID> found = users.findByExternalId(provider(), userExternalId);
            if (found.isEmpty()) {
                return UpstreamChange.refused("Roster has no user '" + userExternalId + "' (no user.created yet)");
            }
            UUID userId = found.get();
            Role wanted = null;
            if (role != null) {
                wanted = roles.globalToHold(role).orElse(null);
                if (wanted == null) {
                    return UpstreamChange.refused(UNKNOWN_ROLE_REFUSAL + "'" + role + "'");
                }
            }
            Optional<Tenant> known = tenants.findByExternalId(tenant.externalId());
            if (known.isPresent() && tenants.find(known.get().id()).isEmpty()) {
                return UpstreamChange.unchanged("the tenant is deleted in Roster");
            }
            String actor = actor(trigger);
            return setMembership(
                    Owner.UPSTREAM,
                    userId,
                    known.map(Tenant::id).orElse(null),
                    () -> tenants.findOrCreateFromUpstream(tenant.externalId(), tenant.name(), tenant.slug(), actor)
                            .id(),
                    tenant.externalId(),
                    known.map(Tenant::name).orElse(tenant.name()),
                    wanted,
                    actor);
        }));
    }

    /**
     * Applies one membership a provisioner stated by Roster's own ids (a SCIM group's member added or removed): the
     * user holds {@code roleId} (a built-in or one of the tenant's own roles) in {@code tenantId}; with {@code roleId}
     * null, the user no longer holds anything there. The rules of {@link #applyMembership(String, UpstreamTenant,
     * String, SyncTrigger)}: a membership assigned in Roster, or one whose change Roster has not yet written back,
     * stays as it is; audited as {@code actor}, reported with origin upstream, the user's view invalidated. The
     * membership is then SCIM's ({@code source = scim}): pulls, sign-ins and the directory's webhooks leave it alone.
     * Refused when the tenant is deleted or the role is not one of the tenant's.
     */
    public UpstreamChange applyMembership(
            UUID userId, UUID tenantId, @Nullable UUID roleId, SyncTrigger trigger, String actor) {
        return metered(
                trigger, () -> applyMembershipInTransaction(userId, tenantId, roleId, actor), UpstreamChange::outcome);
    }

    private UpstreamChange applyMembershipInTransaction(
            UUID userId, UUID tenantId, @Nullable UUID roleId, String actor) {
        return java.util.Objects.requireNonNull(tx.execute(status -> {
            Optional<Tenant> tenant = tenants.find(tenantId);
            if (tenant.isEmpty()) {
                return UpstreamChange.refused("Roster has no tenant " + tenantId);
            }
            Role wanted = null;
            if (roleId != null) {
                wanted = roles.toHold(roleId)
                        .filter(r -> r.tenantId() == null || r.tenantId().equals(tenantId))
                        .orElse(null);
                if (wanted == null) {
                    return UpstreamChange.refused("the tenant has no role " + roleId);
                }
            }
            String key = tenant.get().externalId() != null ? tenant.get().externalId() : "roster:" + tenantId;
            return setMembership(
                    Owner.SCIM,
                    userId,
                    tenantId,
                    () -> tenantId,
                    key,
                    tenant.get().name(),
                    wanted,
                    actor);
        }));
    }

    /**
     * What both kinds of pushed membership share: the user's membership in the tenant ({@code tenantId}, null when
     * Roster does not know it yet: {@code create} makes it, only if a role is wanted) set to {@code wanted} or removed,
     * unless Roster's own word stands; audited under the tenant's {@code key} and {@code name}.
     */
    private UpstreamChange setMembership(
            Owner owner,
            UUID userId,
            @Nullable UUID tenantId,
            java.util.function.Supplier<UUID> create,
            String key,
            String name,
            @Nullable Role wanted,
            String actor) {
        Held held = tenantId == null
                ? null
                : users.memberships(userId).stream()
                        .filter(h -> h.tenantId().equals(tenantId))
                        .findFirst()
                        .orElse(null);
        if (held != null && !held.ownedBy(owner)) {
            return UpstreamChange.unchanged(
                    held.source().equals("local")
                            ? "assigned in Roster: Roster's word stands"
                            : "provisioned over SCIM: the SCIM client's word stands");
        }
        if (tenantId != null && writeBack.awaiting(userId).contains(tenantId)) {
            return UpstreamChange.unchanged("changed in Roster and not yet written back: Roster's word stands");
        }
        if (wanted == null) {
            if (held == null) {
                return UpstreamChange.unchanged(null);
            }
            writeMembership(
                    owner,
                    actor,
                    userId,
                    held.tenantId(),
                    "membership.removed",
                    null,
                    new RoleDiff.Change(key, name, held.role(), null));
        } else if (held != null && held.roleId().equals(wanted.id())) {
            if (!held.source().equals(owner.source())) {
                // The same role, stated by a new owner (SCIM over the directory's row): the row becomes its own, so
                // the directory's next pull no longer takes it away. No change of role: no audit row, no event.
                users.putOwnedMembership(owner, userId, held.tenantId(), wanted.id());
            }
            return UpstreamChange.unchanged(null);
        } else {
            writeMembership(
                    owner,
                    actor,
                    userId,
                    tenantId != null ? tenantId : create.get(),
                    held == null ? "membership.added" : "membership.changed",
                    wanted,
                    new RoleDiff.Change(key, name, held == null ? null : held.role(), wanted.slug()));
        }
        bus.publish(UserViews.TOPIC, userId.toString());
        return UpstreamChange.changed();
    }

    /** One membership change, before its tenant is created (when it is new) and the change applied. */
    private record Pending(
            String action,
            @Nullable UUID tenantId,
            @Nullable Wanted wanted,
            RoleDiff.Change change) {}

    private static List<RoleDiff.Change> changes(List<Pending> pending, String action) {
        return pending.stream()
                .filter(p -> p.action().equals(action))
                .map(Pending::change)
                .toList();
    }

    private record Wanted(RoleAssignment assignment, Role role) {}

    private static String key(Held h) {
        String external = h.tenantExternalId();
        return external != null ? external : "roster:" + h.tenantId();
    }

    /** As the admin API audits memberships: the membership as target, its tenant (whose admins may read it). */
    private void auditMembership(
            Owner owner, String actor, UUID userId, String action, UUID tenantId, RoleDiff.Change change) {
        audit.record(
                actor,
                action,
                "membership:" + userId + ":" + tenantId,
                tenantId,
                change.from() == null ? null : Map.of("tenant", change.tenant(), "role", change.from()),
                change.to() == null
                        ? null
                        : Map.of("tenant", change.tenant(), "role", change.to(), "source", owner.source()));
    }

    /**
     * Deactivates a user on the upstream's word, unless the upstream has deactivated so many users within the last
     * hour that this looks like an outage. Once shut, the guard stays shut while the upstream keeps asking (each
     * refusal keeps it shut an hour more): an outage of many hours deactivates no more than one of an hour. Returns
     * the refusal, or null when applied.
     */
    private @Nullable String deactivate(UUID userId, String actor, String why, Options options) {
        if (!options.acceptRemovals()) {
            Duration window = Duration.ofHours(1);
            SyncedUsers.Deprovisions guard = users.lockAndCountRecentDeprovisions(window);
            if (guard.tripped() || guard.recent() >= settings.maxDeprovisionsPerHour()) {
                users.tripDeprovisionGuard(window);
                String refusal = "the upstream has deactivated " + guard.recent()
                        + " users within the hour"
                        + (guard.tripped()
                                ? " and been refused since (the guard stays shut an hour after its last refusal)"
                                : "")
                        + " (roster.sync.max-deprovisions-per-hour = "
                        + settings.maxDeprovisionsPerHour() + "): an outage, not a mass departure";
                logRefusal("refused to deactivate user " + userId + " (" + why + "): " + refusal);
                metrics.refused("deprovision");
                return refusal;
            }
        }
        users.setActivity(userId, false);
        audit.record(
                actor,
                "user.deprovisioned",
                "user:" + userId,
                Map.of("is_active", true),
                Map.of("is_active", false, "reason", why));
        outbox.append(
                Outbox.USER,
                userId.toString(),
                "user.deactivated",
                Map.of("user_id", userId, "is_active", false),
                Origin.UPSTREAM);
        events.publishEvent(new UserDeactivated(userId));
        bus.publish(UserViews.TOPIC, userId.toString());
        return null;
    }

    /** Loud, but once a minute at most (with how many since): a directory that lost its data refuses in bulk. */
    private void logRefusal(String message) {
        java.util.OptionalLong heldBack = refusalErrors.pass();
        if (heldBack.isPresent()) {
            log.error(
                    "{} (docs/sync.md, 'Guards'; {} more refusals since the previous one logged)",
                    message,
                    heldBack.getAsLong());
        } else {
            log.debug(message);
        }
    }

    /** Who the audit log says made a change the upstream pushed or a pull brought. */
    String actor(SyncTrigger trigger) {
        return "upstream:" + provider() + " (" + trigger.label() + ")";
    }
}
