package dev.roster.audit.web;

import dev.roster.audit.AuditEntries;
import dev.roster.audit.AuditEntries.Filter;
import dev.roster.audit.AuditEntry;
import dev.roster.authz.Allow;
import dev.roster.authz.Caller;
import dev.roster.authz.Rule;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.Page;
import dev.roster.platform.Problems;
import dev.roster.platform.Text;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/audit}: platform admins read every entry, tenant admins their tenants' entries. */
@RestController
class AuditController {

    private final AuditEntries entries;

    AuditController(AuditEntries entries) {
        this.entries = entries;
    }

    @Problems({ErrorCode.TENANT_NOT_FOUND})
    @GetMapping("/v1/audit")
    @Allow(Rule.ANY_TENANT_ADMIN)
    Page<AuditEntry> list(
            Caller caller,
            @RequestParam(name = "target", required = false) @Nullable String target,
            @RequestParam(name = "actor", required = false) @Nullable String actor,
            @RequestParam(name = "action", required = false) @Nullable String action,
            @RequestParam(name = "tenant_id", required = false) @Nullable UUID tenantId,
            @RequestParam(name = "limit", required = false) @Nullable Integer limit,
            @RequestParam(name = "cursor", required = false) @Nullable String cursor) {
        List<UUID> tenants = caller.scope();
        if (tenantId != null && tenants != null && !tenants.contains(tenantId)) {
            throw ErrorCode.TENANT_NOT_FOUND.problem("There is no tenant " + tenantId + ".");
        }
        var filter = new Filter(
                Text.parameter("target", target, 300),
                Text.parameter("actor", actor, 300),
                Text.parameter("action", action, 300),
                tenantId,
                tenants);
        return entries.page(filter, cursor, Page.limit(limit));
    }
}
