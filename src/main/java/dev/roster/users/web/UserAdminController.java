package dev.roster.users.web;

import dev.roster.authz.Allow;
import dev.roster.authz.BuiltInRoles;
import dev.roster.authz.Caller;
import dev.roster.authz.Rule;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.Page;
import dev.roster.platform.Problems;
import dev.roster.platform.Text;
import dev.roster.platform.Versions;
import dev.roster.roles.Role;
import dev.roster.roles.Roles;
import dev.roster.users.UpstreamSearch;
import dev.roster.users.UserDirectory;
import dev.roster.users.UserDirectory.Count;
import dev.roster.users.UserDirectory.Query;
import dev.roster.users.UserDirectory.StatsBy;
import dev.roster.users.UserManagement;
import dev.roster.users.UserSearchAnswer;
import dev.roster.users.UserSummary;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /v1/users}: finding users and (platform admins) deactivating them. Tenant admins see only members of the
 * tenants they administer; anyone else outside that is {@code 404 user_not_found}.
 */
@RestController
@RequestMapping("/v1/users")
class UserAdminController {

    private final UserDirectory directory;
    private final UserManagement management;
    private final Roles roles;
    private final Versions versions;
    private final UpstreamSearch upstreamSearch;

    UserAdminController(
            UserDirectory directory,
            UserManagement management,
            Roles roles,
            Versions versions,
            UpstreamSearch upstreamSearch) {
        this.upstreamSearch = upstreamSearch;
        this.versions = versions;
        this.directory = directory;
        this.management = management;
        this.roles = roles;
    }

    @Problems({ErrorCode.TENANT_NOT_FOUND})
    @GetMapping
    @Allow(Rule.ANY_TENANT_ADMIN)
    UserSearchAnswer search(
            Caller caller,
            @RequestParam(name = "q", required = false) @Nullable String q,
            @RequestParam(name = "division", required = false) @Nullable String division,
            @RequestParam(name = "department", required = false) @Nullable String department,
            @RequestParam(name = "role", required = false) @Nullable String role,
            @RequestParam(name = "tenant_id", required = false) @Nullable UUID tenantId,
            @RequestParam(name = "is_active", required = false) @Nullable Boolean isActive,
            @RequestParam(name = "limit", required = false) @Nullable Integer limit,
            @RequestParam(name = "cursor", required = false) @Nullable String cursor) {
        Query query = query(caller, q, division, department, role, tenantId, isActive);
        int pageSize = Page.limit(limit);
        Page<UserSummary> page = directory.search(query, cursor, pageSize);
        String upstream = "not_asked";
        boolean mixedIn = false;
        // The directory fills in a first page that came up short, for platform admins (whose search is the whole
        // platform) searching by text alone: the directory's search knows no other filter, and tenant admins see
        // their tenants' members, whom the directory cannot add to.
        boolean textOnly =
                division == null && department == null && role == null && tenantId == null && isActive == null;
        if (q != null
                && !q.isBlank()
                && textOnly
                && cursor == null
                && caller.scope() == null
                && page.items().size() < pageSize) {
            UpstreamSearch.Outcome outcome = upstreamSearch.search(q.trim(), pageSize);
            upstream = switch (outcome) {
                case ANSWERED, NOTHING_NEW -> "answered";
                case SKIPPED -> "skipped";
                case UNAVAILABLE -> "unavailable";
            };
            if (outcome == UpstreamSearch.Outcome.ANSWERED) {
                page = directory.search(query, null, pageSize);
                mixedIn = true;
            }
        }
        Instant staleAsOf = page.items().stream()
                .map(u -> u.lastSyncedAt() == null ? u.createdAt() : u.lastSyncedAt())
                .min(Comparator.naturalOrder())
                .orElse(null);
        return new UserSearchAnswer(
                page.items(),
                page.nextCursor(),
                page.total(),
                mixedIn ? "local+upstream" : "local",
                upstream,
                staleAsOf);
    }

    @Problems({ErrorCode.TENANT_NOT_FOUND})
    @GetMapping("/stats")
    @Allow(Rule.ANY_TENANT_ADMIN)
    Page<Count> stats(
            Caller caller,
            @RequestParam("by") String by,
            @RequestParam(name = "q", required = false) @Nullable String q,
            @RequestParam(name = "division", required = false) @Nullable String division,
            @RequestParam(name = "department", required = false) @Nullable String department,
            @RequestParam(name = "role", required = false) @Nullable String role,
            @RequestParam(name = "tenant_id", required = false) @Nullable UUID tenantId,
            @RequestParam(name = "is_active", required = false) @Nullable Boolean isActive) {
        StatsBy statsBy;
        try {
            statsBy = StatsBy.valueOf(by.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ErrorCode.INVALID_PARAMETER.problem("'by' must be one of division, department, role.");
        }
        List<Count> counts = directory.stats(statsBy, query(caller, q, division, department, role, tenantId, isActive));
        return new Page<>(counts, null, counts.size());
    }

    @Problems({ErrorCode.USER_NOT_FOUND})
    @GetMapping("/{userId}")
    @Allow(Rule.ANY_TENANT_ADMIN)
    UserSummary get(Caller caller, @PathVariable UUID userId) {
        return directory
                .find(userId, caller.scope())
                .orElseThrow(() -> ErrorCode.USER_NOT_FOUND.problem("There is no user " + userId + "."));
    }

    record Activation(UUID id, boolean isActive, long version) {}

    @Problems({ErrorCode.USER_NOT_FOUND, ErrorCode.LAST_PLATFORM_ADMIN})
    @PostMapping("/{userId}:deactivate")
    @Allow(Rule.PLATFORM_ADMIN)
    Activation deactivate(Caller caller, @PathVariable UUID userId) {
        management.deactivate(caller, userId);
        return new Activation(userId, false, versions.committed());
    }

    @Problems({ErrorCode.USER_NOT_FOUND})
    @PostMapping("/{userId}:reactivate")
    @Allow(Rule.PLATFORM_ADMIN)
    Activation reactivate(Caller caller, @PathVariable UUID userId) {
        management.reactivate(caller, userId);
        return new Activation(userId, true, versions.committed());
    }

    private Query query(
            Caller caller,
            @Nullable String q,
            @Nullable String division,
            @Nullable String department,
            @Nullable String role,
            @Nullable UUID tenantId,
            @Nullable Boolean isActive) {
        List<UUID> scope = caller.scope();
        if (tenantId != null && scope != null && !scope.contains(tenantId)) {
            throw ErrorCode.TENANT_NOT_FOUND.problem("There is no tenant " + tenantId + ".");
        }
        UUID roleId = null;
        if (role != null) {
            roleId = roles.resolve(tenantId == null ? BuiltInRoles.ROOT_TENANT : tenantId, role)
                    .filter(r -> r.tenantId() == null || r.tenantId().equals(tenantId))
                    .map(Role::id)
                    .orElseThrow(
                            () -> ErrorCode.INVALID_PARAMETER.problem(
                                    "'role' names no role: use a built-in slug, a URN, or a tenant's slug with its tenant_id."));
        }
        return new Query(
                Text.parameter("q", q, 200),
                Text.parameter("division", division, 200),
                Text.parameter("department", department, 200),
                roleId,
                tenantId,
                isActive,
                scope);
    }
}
