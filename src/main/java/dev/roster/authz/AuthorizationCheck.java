package dev.roster.authz;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.ExactCache;
import dev.roster.platform.InvalidationBus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * Answers "may this user do this, here?" from two exact per-node caches: each user's standing (active, their role
 * in every tenant) and each tenant's grant index. Both are dropped through the {@link InvalidationBus} after every
 * committed change to what they hold, on the writing node before the write returns and on the others when the
 * notification arrives, so an answer is never older than a revocation this node has been told of
 * (docs/authorization.md).
 *
 * <p>IMPORTANT: it relies on the writers publishing: {@link #GRANTS_TOPIC} (grants, key: tenant id), {@code user}
 * (memberships and activation, key: user id; {@code UserViews.TOPIC}) and {@code tenant} (deletion, key: tenant id;
 * {@code Tenants.TOPIC}). The topics are named here as text because this package sits below those features.
 */
@Service
public class AuthorizationCheck {

    /** Invalidation topic: a tenant's grants changed; the key is the tenant id. */
    public static final String GRANTS_TOPIC = "grant";

    /**
     * Invalidation topic: a global role was created, renamed or deleted (the upstream's {@code role.*} events). What
     * a legacy {@code role:<slug>} grant stands for may change in every tenant; rare, so every cache that shows or
     * resolves roles drops everything.
     */
    public static final String GLOBAL_ROLES_TOPIC = "global-roles";

    static final String USER_TOPIC = "user";
    static final String TENANT_TOPIC = "tenant";

    /** Why a check answered as it did. */
    public enum Code {
        GRANT,
        PLATFORM_ADMIN,
        NO_MEMBERSHIP,
        NO_MATCHING_GRANT,
        USER_DEACTIVATED,
        TENANT_DELETED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The grant that allowed a check. */
    public record GrantRef(UUID id, String principal, String permission, String selector) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reason(Code code, @Nullable GrantRef grant) {}

    public record Answer(boolean allowed, Reason reason) {}

    /** What a user may do in a tenant: their standing there, their principals and the grants that apply. */
    public record Permissions(
            UUID userId, UUID tenantId, String standing, List<String> principals, List<GrantRef> grants) {}

    private final CheckSources sources;
    private final ExactCache<UUID, UserStanding> standings;
    private final ExactCache<UUID, GrantIndex> tenants;
    private final Timer allowed;
    private final Timer denied;

    AuthorizationCheck(CheckSources sources, AuthzSettings settings, InvalidationBus bus, MeterRegistry meters) {
        this.sources = sources;
        this.standings = ExactCache.create(
                "authz_users", settings.cache().maxUsers(), bus, USER_TOPIC, UUID::fromString, meters);
        // Weighed by grants: one tenant with 100,000 grants counts as much as 100,000 tenants with one.
        this.tenants = ExactCache.createWeighed(
                "authz_tenants",
                settings.cache().maxGrants(),
                (UUID tenant, GrantIndex index) -> 1 + index.size(),
                bus,
                GRANTS_TOPIC,
                UUID::fromString,
                meters);
        // A deleted tenant answers tenant_deleted from then on.
        bus.subscribe(TENANT_TOPIC, key -> tenants.invalidate(UUID.fromString(key)), tenants::invalidateAll);
        bus.subscribe(GLOBAL_ROLES_TOPIC, key -> tenants.invalidateAll(), tenants::invalidateAll);
        this.allowed = timer(meters, "allowed");
        this.denied = timer(meters, "denied");
    }

    private static Timer timer(MeterRegistry meters, String outcome) {
        return Timer.builder("roster.authz.check")
                .description("Authorization checks answered, batch items one by one")
                .tag("outcome", outcome)
                .register(meters);
    }

    /**
     * Whether {@code userId} may do {@code permission} (one action, e.g. {@code docs:read}) on {@code resource} in
     * {@code tenantId}. Decided in this order: an unknown user, a deactivated user, an unknown tenant, a deleted
     * tenant, a platform admin, no membership, then the user's principals' grants.
     */
    public Answer check(UUID userId, UUID tenantId, String permission, String resource) {
        long start = System.nanoTime();
        Answer answer = decide(standing(userId), index(tenantId), userId, tenantId, permission, resource);
        (answer.allowed() ? allowed : denied).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return answer;
    }

    /** One check of a batch. */
    public record Question(UUID userId, UUID tenantId, String permission, String resource) {}

    /**
     * The answers to {@code questions}, in order, in one pass: each user's standing and each tenant's grant index is
     * looked up once for the whole batch (with the caches off, or cold, that is one load each, not one per check).
     */
    public List<Answer> checkAll(List<Question> questions) {
        var standings = new java.util.HashMap<UUID, java.util.Optional<UserStanding>>();
        var indexes = new java.util.HashMap<UUID, java.util.Optional<GrantIndex>>();
        var answers = new ArrayList<Answer>(questions.size());
        for (Question q : questions) {
            long start = System.nanoTime();
            UserStanding standing = standings
                    .computeIfAbsent(q.userId(), id -> java.util.Optional.ofNullable(standing(id)))
                    .orElse(null);
            GrantIndex index = indexes.computeIfAbsent(q.tenantId(), id -> java.util.Optional.ofNullable(index(id)))
                    .orElse(null);
            Answer answer = decide(standing, index, q.userId(), q.tenantId(), q.permission(), q.resource());
            (answer.allowed() ? allowed : denied).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            answers.add(answer);
        }
        return answers;
    }

    private Answer decide(
            @Nullable UserStanding standing,
            @Nullable GrantIndex index,
            UUID userId,
            UUID tenantId,
            String permission,
            String resource) {
        Code refusal = refusal(standing, index, tenantId);
        if (refusal != null) {
            return new Answer(refusal == Code.PLATFORM_ADMIN, new Reason(refusal, null));
        }
        GrantIndex.Entry hit = index.match(principals(userId, standing.roleIn(tenantId)), permission, resource);
        if (hit == null) {
            return new Answer(false, new Reason(Code.NO_MATCHING_GRANT, null));
        }
        return new Answer(true, new Reason(Code.GRANT, ref(hit)));
    }

    /** The standing that decides before any grant is looked at (platform admin included), else null. */
    private static @Nullable Code refusal(@Nullable UserStanding standing, @Nullable GrantIndex index, UUID tenantId) {
        if (standing == null) {
            return Code.NO_MEMBERSHIP;
        }
        if (!standing.active()) {
            return Code.USER_DEACTIVATED;
        }
        if (index == null) {
            return Code.NO_MEMBERSHIP;
        }
        if (!index.live()) {
            return Code.TENANT_DELETED;
        }
        if (standing.platformAdmin()) {
            return Code.PLATFORM_ADMIN;
        }
        if (standing.roleIn(tenantId) == null) {
            return Code.NO_MEMBERSHIP;
        }
        return null;
    }

    /** The grants that apply to {@code userId} in {@code tenantId} (none unless they are an active member there). */
    public Permissions permissions(UUID userId, UUID tenantId) {
        UserStanding standing = standing(userId);
        GrantIndex index = tenants.get(tenantId, sources::grants);
        Code refusal = refusal(standing, index, tenantId);
        if (refusal != null && refusal != Code.PLATFORM_ADMIN) {
            return new Permissions(userId, tenantId, refusal.code(), List.of(), List.of());
        }
        UserStanding.Role role = standing.roleIn(tenantId);
        List<String> principals = principals(userId, role);
        if (role == null) {
            // A platform admin without a role here: allowed everything, with no grant of their own.
            return new Permissions(userId, tenantId, Code.PLATFORM_ADMIN.code(), principals, List.of());
        }
        var grants = new ArrayList<GrantRef>();
        index.grantsOf(principals).forEach(e -> grants.add(ref(e)));
        return new Permissions(
                userId, tenantId, refusal == null ? "member" : refusal.code(), principals, List.copyOf(grants));
    }

    /**
     * Refuses with {@code 403 role_required} unless {@code callerId} may ask about {@code userId} in
     * {@code tenantId}: themselves always, anyone else as a platform admin or a tenant admin of that live tenant.
     */
    public void requireMayAsk(UUID callerId, UUID userId, UUID tenantId) {
        if (callerId.equals(userId)) {
            return;
        }
        UserStanding caller = standing(callerId);
        if (caller != null && caller.active() && caller.platformAdmin()) {
            return;
        }
        if (caller != null && caller.active() && caller.administers(tenantId)) {
            GrantIndex index = tenants.get(tenantId, sources::grants);
            if (index != null && index.live()) {
                return;
            }
        }
        throw ErrorCode.ROLE_REQUIRED.problem(
                "Checking for another user needs the tenant_admin role in that tenant, or a platform admin.");
    }

    private @Nullable UserStanding standing(UUID userId) {
        return standings.get(userId, sources::standing);
    }

    private @Nullable GrantIndex index(UUID tenantId) {
        return tenants.get(tenantId, sources::grants);
    }

    private static List<String> principals(UUID userId, UserStanding.@Nullable Role role) {
        String user = GrantSyntax.USER + userId;
        return role == null ? List.of(user) : List.of(user, role.urn());
    }

    private static GrantRef ref(GrantIndex.Entry e) {
        return new GrantRef(e.id(), e.principal(), e.permission(), e.selector());
    }
}
