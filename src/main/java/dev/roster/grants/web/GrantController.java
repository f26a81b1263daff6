package dev.roster.grants.web;

import dev.roster.authz.Allow;
import dev.roster.authz.Caller;
import dev.roster.authz.GrantSyntax;
import dev.roster.authz.Rule;
import dev.roster.grants.Grant;
import dev.roster.grants.GrantManagement;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.JsonBody;
import dev.roster.platform.Page;
import dev.roster.platform.Problems;
import dev.roster.platform.Text;
import dev.roster.platform.Versions;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/tenants/{id}/grants}: tenant admins of the tenant, platform admins everywhere. */
@RestController
@RequestMapping("/v1/tenants/{tenantId}/grants")
class GrantController {

    /** The body, as the OpenAPI document shows it. */
    record NewGrant(
            String principal, String permission, @Nullable String selector) {}

    record Deleted(UUID id, boolean deleted, long version) {}

    private final GrantManagement management;
    private final Versions versions;

    GrantController(GrantManagement management, Versions versions) {
        this.management = management;
        this.versions = versions;
    }

    @GetMapping
    @Allow(Rule.TENANT_ADMIN)
    Page<Grant> list(
            @PathVariable UUID tenantId,
            @RequestParam(name = "principal", required = false) @Nullable String principal,
            @RequestParam(name = "permission", required = false) @Nullable String permission,
            @RequestParam(name = "limit", required = false) @Nullable Integer limit,
            @RequestParam(name = "cursor", required = false) @Nullable String cursor) {
        return management.list(
                tenantId,
                Text.parameter("principal", principal, 200),
                Text.parameter("permission", permission, GrantSyntax.MAX_PERMISSION),
                cursor,
                Page.limit(limit));
    }

    /** {@code {"principal": "role:global:…", "permission": "docs:read", "selector": "docs/*"}} → 201, the grant. */
    @Problems({ErrorCode.GRANT_EXISTS})
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Allow(Rule.TENANT_ADMIN)
    ResponseEntity<Grant> create(
            Caller caller,
            @PathVariable UUID tenantId,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = NewGrant.class)))
                    @RequestBody
                    byte[] body) {
        JsonBody json = JsonBody.parse(body, "principal", "permission", "selector");
        String principal = json.text("principal", 200, true);
        String permission = json.text("permission", GrantSyntax.MAX_PERMISSION, true);
        String selector = json.text("selector", GrantSyntax.MAX_SELECTOR, false);
        Grant created = management.create(caller, tenantId, principal, permission, selector == null ? "*" : selector);
        return ResponseEntity.status(HttpStatus.CREATED).body(created);
    }

    @Problems({ErrorCode.GRANT_NOT_FOUND})
    @DeleteMapping("/{grantId}")
    @Allow(Rule.TENANT_ADMIN)
    Deleted delete(Caller caller, @PathVariable UUID tenantId, @PathVariable UUID grantId) {
        Grant deleted = management.delete(caller, tenantId, grantId);
        return new Deleted(deleted.id(), true, versions.committed());
    }
}
