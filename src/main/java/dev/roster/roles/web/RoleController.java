package dev.roster.roles.web;

import dev.roster.authz.Allow;
import dev.roster.authz.Caller;
import dev.roster.authz.Rule;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.IfMatch;
import dev.roster.platform.JsonBody;
import dev.roster.platform.Page;
import dev.roster.platform.Problems;
import dev.roster.platform.Versions;
import dev.roster.roles.Role;
import dev.roster.roles.RoleManagement;
import dev.roster.roles.RoleManagement.NewRole;
import dev.roster.roles.RoleManagement.RolePatch;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The built-in roles ({@code /v1/roles}) and each tenant's own ({@code /v1/tenants/{id}/roles}). */
@RestController
class RoleController {

    /** The body's fields, as the OpenAPI document shows them; read strictly by {@link JsonBody}. */
    record RoleFields(String slug, String name, int priority) {}

    private final RoleManagement management;
    private final Versions versions;

    RoleController(RoleManagement management, Versions versions) {
        this.management = management;
        this.versions = versions;
    }

    @GetMapping("/v1/roles")
    @Allow(Rule.SIGNED_IN)
    Page<Role> builtIns() {
        return management.builtIns();
    }

    @GetMapping("/v1/tenants/{tenantId}/roles")
    @Allow(Rule.TENANT_MEMBER)
    Page<Role> list(
            @PathVariable UUID tenantId,
            @RequestParam(name = "limit", required = false) @Nullable Integer limit,
            @RequestParam(name = "cursor", required = false) @Nullable String cursor) {
        return management.list(tenantId, cursor, Page.limit(limit));
    }

    @Problems({ErrorCode.ROLE_NOT_FOUND})
    @GetMapping("/v1/tenants/{tenantId}/roles/{roleId}")
    @Allow(Rule.TENANT_MEMBER)
    ResponseEntity<Role> get(@PathVariable UUID tenantId, @PathVariable UUID roleId) {
        Role role = management.get(tenantId, roleId);
        return ResponseEntity.ok().eTag(IfMatch.etag(role.version())).body(role);
    }

    @Problems({ErrorCode.SLUG_TAKEN})
    @PostMapping(path = "/v1/tenants/{tenantId}/roles", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Allow(Rule.TENANT_ADMIN)
    ResponseEntity<Role> create(
            Caller caller,
            @PathVariable UUID tenantId,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = RoleFields.class)))
                    @RequestBody
                    byte[] body) {
        JsonBody fields = JsonBody.parse(body, "slug", "name", "priority");
        var request = new NewRole(
                fields.text("slug", 63, true),
                fields.text("name", 200, true),
                fields.integer("priority", 0, RoleManagement.MAX_PRIORITY, true));
        Role role = management.create(caller, tenantId, request);
        return ResponseEntity.status(HttpStatus.CREATED)
                .eTag(IfMatch.etag(role.version()))
                .body(role);
    }

    @Problems({ErrorCode.ROLE_NOT_FOUND, ErrorCode.SLUG_TAKEN, ErrorCode.VERSION_CONFLICT})
    @PatchMapping(
            path = "/v1/tenants/{tenantId}/roles/{roleId}",
            consumes = {"application/json", "application/merge-patch+json"})
    @Allow(Rule.TENANT_ADMIN)
    ResponseEntity<Role> patch(
            Caller caller,
            @PathVariable UUID tenantId,
            @PathVariable UUID roleId,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = RoleFields.class)))
                    @RequestBody
                    byte[] body,
            @RequestHeader(name = IfMatch.HEADER, required = false) @Nullable String ifMatch) {
        JsonBody fields = JsonBody.parse(body, "slug", "name", "priority").notRemovable("slug", "name", "priority");
        var patch = new RolePatch(
                fields.text("slug", 63, false),
                fields.text("name", 200, false),
                fields.integer("priority", 0, RoleManagement.MAX_PRIORITY, false));
        Role role = management.patch(caller, tenantId, roleId, patch, IfMatch.version(ifMatch));
        return ResponseEntity.ok().eTag(IfMatch.etag(role.version())).body(role);
    }

    record Deleted(UUID id, boolean deleted, long version) {}

    @Problems({ErrorCode.ROLE_NOT_FOUND, ErrorCode.ROLE_IN_USE})
    @DeleteMapping("/v1/tenants/{tenantId}/roles/{roleId}")
    @Allow(Rule.TENANT_ADMIN)
    Deleted delete(Caller caller, @PathVariable UUID tenantId, @PathVariable UUID roleId) {
        management.delete(caller, tenantId, roleId);
        return new Deleted(roleId, true, versions.committed());
    }
}
