package dev.roster.memberships.web;

import dev.roster.authz.Allow;
import dev.roster.authz.Caller;
import dev.roster.authz.Rule;
import dev.roster.memberships.Member;
import dev.roster.memberships.Membership;
import dev.roster.memberships.MembershipManagement;
import dev.roster.memberships.MembershipManagement.Assigned;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.JsonBody;
import dev.roster.platform.Page;
import dev.roster.platform.Problems;
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
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/tenants/{id}/members}: one role per user per tenant. */
@RestController
@RequestMapping("/v1/tenants/{tenantId}/members")
class MemberController {

    /** The body, as the OpenAPI document shows it: a built-in slug, one of the tenant's roles' slugs, or a URN. */
    record RoleAssignment(String role) {}

    private final MembershipManagement management;
    private final Versions versions;

    MemberController(MembershipManagement management, Versions versions) {
        this.management = management;
        this.versions = versions;
    }

    @GetMapping
    @Allow(Rule.TENANT_MEMBER)
    Page<Member> list(
            @PathVariable UUID tenantId,
            @RequestParam(name = "role", required = false) @Nullable String role,
            @RequestParam(name = "limit", required = false) @Nullable Integer limit,
            @RequestParam(name = "cursor", required = false) @Nullable String cursor) {
        return management.list(tenantId, role, cursor, Page.limit(limit));
    }

    /** Assigns or changes the user's role: {@code {"role": "developer"}}; 201 when the membership is new. */
    @Problems({ErrorCode.USER_NOT_FOUND, ErrorCode.LAST_PLATFORM_ADMIN})
    @PutMapping(path = "/{userId}", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Allow(Rule.TENANT_ADMIN)
    ResponseEntity<Membership> assign(
            Caller caller,
            @PathVariable UUID tenantId,
            @PathVariable UUID userId,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = RoleAssignment.class)))
                    @RequestBody
                    byte[] body) {
        String role = JsonBody.parse(body, "role").text("role", 200, true);
        Assigned assigned = management.assign(caller, tenantId, userId, role);
        var membership = new Membership(
                userId, tenantId, assigned.role().slug(), assigned.role().urn(), "local", versions.committed());
        return ResponseEntity.status(assigned.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(membership);
    }

    record Revoked(UUID userId, UUID tenantId, boolean revoked, long version) {}

    @Problems({ErrorCode.MEMBERSHIP_NOT_FOUND, ErrorCode.LAST_PLATFORM_ADMIN})
    @DeleteMapping("/{userId}")
    @Allow(Rule.TENANT_ADMIN)
    Revoked revoke(Caller caller, @PathVariable UUID tenantId, @PathVariable UUID userId) {
        management.revoke(caller, tenantId, userId);
        return new Revoked(userId, tenantId, true, versions.committed());
    }
}
