package dev.roster.tenants.web;

import dev.roster.authz.Allow;
import dev.roster.authz.Caller;
import dev.roster.authz.Rule;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.IfMatch;
import dev.roster.platform.JsonBody;
import dev.roster.platform.Page;
import dev.roster.platform.Problems;
import dev.roster.platform.Versions;
import dev.roster.tenants.Tenant;
import dev.roster.tenants.TenantManagement;
import dev.roster.tenants.TenantManagement.NewTenant;
import dev.roster.tenants.TenantManagement.TenantPatch;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
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
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/tenants}: who may do what is each route's {@link Allow}; see docs/api.md. */
@RestController
@RequestMapping("/v1/tenants")
class TenantController {

    /** The body's fields, as the OpenAPI document shows them; read strictly by {@link JsonBody}. */
    record TenantFields(
            String slug,
            String name,
            @Nullable UUID parentId,
            @Nullable String externalId) {}

    private final TenantManagement management;
    private final Versions versions;

    TenantController(TenantManagement management, Versions versions) {
        this.management = management;
        this.versions = versions;
    }

    @Problems({ErrorCode.SLUG_TAKEN, ErrorCode.EXTERNAL_ID_TAKEN})
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Allow(Rule.PLATFORM_ADMIN)
    ResponseEntity<Tenant> create(
            Caller caller,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = TenantFields.class)))
                    @RequestBody
                    byte[] body) {
        JsonBody fields = JsonBody.parse(body, "slug", "name", "parent_id", "external_id");
        var request = new NewTenant(
                fields.text("slug", 63, true),
                fields.text("name", 200, true),
                fields.uuid("parent_id", false),
                fields.text("external_id", 255, false));
        Tenant created = management.create(caller, request);
        return ResponseEntity.status(HttpStatus.CREATED)
                .header(HttpHeaders.LOCATION, "/v1/tenants/" + created.id())
                .eTag(IfMatch.etag(created.version()))
                .body(created);
    }

    @GetMapping
    @Allow(Rule.SIGNED_IN)
    Page<Tenant> list(
            Caller caller,
            @RequestParam(name = "limit", required = false) @Nullable Integer limit,
            @RequestParam(name = "cursor", required = false) @Nullable String cursor) {
        return management.list(caller, cursor, Page.limit(limit));
    }

    @GetMapping("/{tenantId}")
    @Allow(Rule.TENANT_MEMBER)
    ResponseEntity<Tenant> get(@PathVariable UUID tenantId) {
        Tenant tenant = management.get(tenantId);
        return ResponseEntity.ok().eTag(IfMatch.etag(tenant.version())).body(tenant);
    }

    /**
     * JSON Merge Patch of {@code name} (tenant admins), {@code slug}, {@code parent_id}, {@code external_id}
     * (platform admins; null removes the latter two). {@code If-Match: "<version>"} makes it conditional.
     */
    @Problems({ErrorCode.VERSION_CONFLICT, ErrorCode.SLUG_TAKEN, ErrorCode.EXTERNAL_ID_TAKEN, ErrorCode.ROOT_TENANT})
    @PatchMapping(
            path = "/{tenantId}",
            consumes = {"application/json", "application/merge-patch+json"})
    @Allow(Rule.TENANT_ADMIN)
    ResponseEntity<Tenant> patch(
            Caller caller,
            @PathVariable UUID tenantId,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = TenantFields.class)))
                    @RequestBody
                    byte[] body,
            @RequestHeader(name = IfMatch.HEADER, required = false) @Nullable String ifMatch) {
        JsonBody fields =
                JsonBody.parse(body, "slug", "name", "parent_id", "external_id").notRemovable("slug", "name");
        var patch = new TenantPatch(
                fields.text("slug", 63, false),
                fields.text("name", 200, false),
                fields.uuid("parent_id", false),
                fields.isNull("parent_id"),
                fields.text("external_id", 255, false),
                fields.isNull("external_id"));
        Tenant tenant = management.patch(caller, tenantId, patch, IfMatch.version(ifMatch));
        return ResponseEntity.ok().eTag(IfMatch.etag(tenant.version())).body(tenant);
    }

    record Deleted(UUID id, boolean deleted, long version) {}

    @Problems({ErrorCode.ROOT_TENANT})
    @DeleteMapping("/{tenantId}")
    @Allow(Rule.PLATFORM_ADMIN)
    Deleted delete(Caller caller, @PathVariable UUID tenantId) {
        management.delete(caller, tenantId);
        return new Deleted(tenantId, true, versions.committed());
    }
}
