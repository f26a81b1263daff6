package dev.roster.memberships;

import dev.roster.authz.Access;
import dev.roster.authz.BuiltInRoles;
import dev.roster.authz.Caller;
import dev.roster.outbox.Origin;
import dev.roster.outbox.Outbox;
import dev.roster.platform.AuditLog;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.InvalidationBus;
import dev.roster.platform.Page;
import dev.roster.platform.RosterException;
import dev.roster.roles.Role;
import dev.roster.roles.Roles;
import dev.roster.tenants.Tenants;
import dev.roster.users.UserViews;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Changes to who holds which role where, and the member lists. Every change is audited in the same transaction,
 * invalidates the user's cached view on every node and is announced with a version at commit.
 */
@Service
public class MembershipManagement {

    private static final Logger log = LoggerFactory.getLogger(MembershipManagement.class);

    private final JdbcClient jdbc;
    private final Members members;
    private final Tenants tenants;
    private final Roles roles;
    private final Access access;
    private final AuditLog audit;
    private final Outbox outbox;
    private final InvalidationBus bus;

    MembershipManagement(
            JdbcClient jdbc,
            Members members,
            Tenants tenants,
            Roles roles,
            Access access,
            AuditLog audit,
            Outbox outbox,
            InvalidationBus bus) {
        this.outbox = outbox;
        this.jdbc = jdbc;
        this.members = members;
        this.tenants = tenants;
        this.roles = roles;
        this.access = access;
        this.audit = audit;
        this.bus = bus;
    }

    /** A page of the tenant's members, optionally of one role (a slug or URN), with the exact total. */
    public Page<Member> list(UUID tenantId, @Nullable String role, @Nullable String cursor, int limit) {
        UUID roleId = null;
        if (role != null) {
            roleId = roles.resolve(tenantId, role)
                    .map(Role::id)
                    .orElseThrow(() -> ErrorCode.INVALID_PARAMETER.problem("'role' names no role of this tenant."));
        }
        UUID after = Page.uuidKey(cursor);
        return Page.of(
                members.page(tenantId, roleId, after, limit + 1),
                limit,
                members.count(tenantId, roleId),
                m -> m.userId().toString());
    }

    /** The result of an assignment: the role now held, and whether the membership is new. */
    public record Assigned(UUID userId, UUID tenantId, Role role, boolean created) {}

    /**
     * Gives {@code userId} the role {@code roleName} (a built-in slug, this tenant's role's slug, or a URN) in the
     * tenant, as a local membership: the upstream's pulls never change it. Only a platform admin hands out or takes
     * away {@code super_admin}; the last platform admin cannot lose it. The membership row is written last, so the
     * tenant's member counter (migration V016) stays locked only while the transaction commits.
     */
    @Transactional
    public Assigned assign(Caller caller, UUID tenantId, UUID userId, String roleName) {
        bus.join();
        Role role = roles.resolveToHold(tenantId, roleName)
                .orElseThrow(() -> ErrorCode.INVALID_FIELD.problem(
                        "'role' names no role of this tenant: use a built-in slug, one of its roles' slugs or a URN."));
        lockPlatformAdminsIfRoot(tenantId);
        Optional<Members.Current> before = members.lock(userId, tenantId);
        if (role.id().equals(BuiltInRoles.SUPER_ADMIN)
                || before.map(b -> isSuperAdmin(b.roleId())).orElse(false)) {
            requirePlatformAdmin(caller);
        }
        if (before.isPresent()
                && before.get().roleId().equals(role.id())
                && before.get().source().equals("local")) {
            return new Assigned(userId, tenantId, role, false);
        }
        if (before.isPresent() && losesPlatformAdmin(tenantId, before.get().roleId(), role.id())) {
            access.requireAnotherPlatformAdmin(userId);
        }
        audit.record(
                caller.actor(),
                before.isEmpty() ? "membership.assigned" : "membership.changed",
                target(userId, tenantId),
                tenantId,
                before.map(b -> Map.of("role_id", b.roleId(), "source", b.source()))
                        .orElse(null),
                Map.of("role_id", role.id(), "role", role.slug(), "source", "local"));
        event(before.isEmpty() ? "membership.assigned" : "membership.changed", userId, tenantId, role);
        boolean created;
        try {
            created = members.upsertLocal(userId, tenantId, role.id());
        } catch (DataIntegrityViolationException e) {
            // The users foreign key: cheaper to learn here than to look the user up first.
            throw userNotFound(userId);
        }
        bus.publish(UserViews.TOPIC, userId.toString());
        return new Assigned(userId, tenantId, role, created);
    }

    /** Takes the user's role in the tenant away. */
    @Transactional
    public void revoke(Caller caller, UUID tenantId, UUID userId) {
        bus.join();
        lockPlatformAdminsIfRoot(tenantId);
        Members.Current before = members.lock(userId, tenantId)
                .orElseThrow(() -> ErrorCode.MEMBERSHIP_NOT_FOUND.problem(
                        "User " + userId + " has no role in tenant " + tenantId + "."));
        if (isSuperAdmin(before.roleId())) {
            requirePlatformAdmin(caller);
        }
        if (losesPlatformAdmin(tenantId, before.roleId(), null)) {
            access.requireAnotherPlatformAdmin(userId);
        }
        audit.record(
                caller.actor(),
                "membership.revoked",
                target(userId, tenantId),
                tenantId,
                Map.of("role_id", before.roleId(), "source", before.source()),
                null);
        event("membership.revoked", userId, tenantId, null);
        members.delete(userId, tenantId);
        bus.publish(UserViews.TOPIC, userId.toString());
    }

    /**
     * Makes {@code userId} a platform admin ({@code super_admin} in the root tenant) unless they are one; for
     * bootstrap admins at sign-in and {@code ./roster admin grant}. True when it changed something.
     */
    @Transactional
    public boolean grantPlatformAdmin(UUID userId, String actor) {
        bus.join();
        Optional<Members.Current> before = members.lock(userId, BuiltInRoles.ROOT_TENANT);
        if (before.isPresent() && isSuperAdmin(before.get().roleId())) {
            return false;
        }
        members.upsertLocal(userId, BuiltInRoles.ROOT_TENANT, BuiltInRoles.SUPER_ADMIN);
        outbox.append(
                Outbox.USER,
                userId.toString(),
                subject(userId, BuiltInRoles.ROOT_TENANT),
                before.isEmpty() ? "membership.assigned" : "membership.changed",
                Map.of(
                        "user_id",
                        userId,
                        "tenant_id",
                        BuiltInRoles.ROOT_TENANT,
                        "role_id",
                        BuiltInRoles.SUPER_ADMIN,
                        "role",
                        "super_admin"),
                Origin.LOCAL);
        audit.record(
                actor,
                "platform_admin.granted",
                target(userId, BuiltInRoles.ROOT_TENANT),
                BuiltInRoles.ROOT_TENANT,
                before.map(b -> Map.of("role_id", b.roleId(), "source", b.source()))
                        .orElse(null),
                Map.of("role_id", BuiltInRoles.SUPER_ADMIN, "role", "super_admin", "source", "local"));
        bus.publish(UserViews.TOPIC, userId.toString());
        return true;
    }

    /** Takes platform administration from {@code userId} ({@code ./roster admin revoke}); never from the last one. */
    @Transactional
    public boolean revokePlatformAdmin(UUID userId, String actor) {
        bus.join();
        access.lockPlatformAdmins();
        Optional<Members.Current> before = members.lock(userId, BuiltInRoles.ROOT_TENANT);
        if (before.isEmpty() || !isSuperAdmin(before.get().roleId())) {
            return false;
        }
        access.requireAnotherPlatformAdmin(userId);
        members.delete(userId, BuiltInRoles.ROOT_TENANT);
        event("membership.revoked", userId, BuiltInRoles.ROOT_TENANT, null);
        audit.record(
                actor,
                "platform_admin.revoked",
                target(userId, BuiltInRoles.ROOT_TENANT),
                BuiltInRoles.ROOT_TENANT,
                Map.of("role_id", before.get().roleId(), "source", before.get().source()),
                null);
        bus.publish(UserViews.TOPIC, userId.toString());
        return true;
    }

    /** Lock order in the root tenant: all platform admins' memberships, then the one to change. */
    private void lockPlatformAdminsIfRoot(UUID tenantId) {
        if (tenantId.equals(BuiltInRoles.ROOT_TENANT)) {
            access.lockPlatformAdmins();
        }
    }

    private static boolean isSuperAdmin(UUID roleId) {
        return roleId.equals(BuiltInRoles.SUPER_ADMIN);
    }

    private static boolean losesPlatformAdmin(UUID tenantId, UUID roleBefore, @Nullable UUID roleAfter) {
        return tenantId.equals(BuiltInRoles.ROOT_TENANT)
                && isSuperAdmin(roleBefore)
                && (roleAfter == null || !isSuperAdmin(roleAfter));
    }

    private static void requirePlatformAdmin(Caller caller) {
        if (!caller.platformAdmin()) {
            throw ErrorCode.ROLE_REQUIRED.problem("Only a platform admin may hand out or take away super_admin.");
        }
    }

    static RosterException userNotFound(UUID userId) {
        return ErrorCode.USER_NOT_FOUND.problem("There is no user " + userId + ".");
    }

    private static String target(UUID userId, UUID tenantId) {
        return "membership:" + userId + ":" + tenantId;
    }

    /** Tells the outbox's targets (the upstream, subscribers) of a local membership change, in this transaction. */
    private void event(String type, UUID userId, UUID tenantId, @Nullable Role role) {
        var payload = new java.util.LinkedHashMap<String, Object>();
        payload.put("user_id", userId);
        payload.put("tenant_id", tenantId);
        if (role != null) {
            payload.put("role_id", role.id());
            payload.put("role", role.slug());
        }
        outbox.append(Outbox.USER, userId.toString(), subject(userId, tenantId), type, payload, Origin.LOCAL);
    }

    /** The outbox's subject of a membership: its sync state shows in the member listing. */
    public static String subject(UUID userId, UUID tenantId) {
        return "membership:" + userId + ":" + tenantId;
    }
}
