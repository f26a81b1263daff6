package dev.roster.grants.web;

import dev.roster.authz.Allow;
import dev.roster.authz.Caller;
import dev.roster.authz.Rule;
import dev.roster.grants.RbacManagement;
import dev.roster.grants.RbacManagement.Outcome;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.Problems;
import dev.roster.platform.Versions;
import java.util.UUID;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /v1/tenants/{id}/rbac:enable} and {@code :disable}: platform admins only. Enabling RBAC changes what every
 * member of the tenant may do (the system grants apply to every holder of a built-in role, tenant admins included),
 * so it is the platform's decision, like creating or deleting the tenant; tenant admins keep managing the tenant's
 * own grants.
 */
@RestController
@RequestMapping("/v1/tenants/{tenantId}")
class RbacController {

    record Enabled(UUID tenantId, boolean rbacEnabled, int seeded, long version) {}

    record Disabled(UUID tenantId, boolean rbacEnabled, int removed, long version) {}

    private final RbacManagement management;
    private final Versions versions;

    RbacController(RbacManagement management, Versions versions) {
        this.management = management;
        this.versions = versions;
    }

    @Problems({ErrorCode.RBAC_PREFLIGHT_FAILED})
    @PostMapping("/rbac:enable")
    @Allow(Rule.PLATFORM_ADMIN)
    Enabled enable(Caller caller, @PathVariable UUID tenantId) {
        Outcome outcome = management.enable(caller, tenantId);
        return new Enabled(tenantId, outcome.rbacEnabled(), outcome.grants(), versions.committed());
    }

    @PostMapping("/rbac:disable")
    @Allow(Rule.PLATFORM_ADMIN)
    Disabled disable(Caller caller, @PathVariable UUID tenantId) {
        Outcome outcome = management.disable(caller, tenantId);
        return new Disabled(tenantId, outcome.rbacEnabled(), outcome.grants(), versions.committed());
    }
}
