package dev.roster.scim.web;

import dev.roster.authz.Allow;
import dev.roster.authz.Caller;
import dev.roster.authz.Rule;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.JsonBody;
import dev.roster.platform.Page;
import dev.roster.platform.Problems;
import dev.roster.platform.Uuids;
import dev.roster.platform.Versions;
import dev.roster.scim.ScimClient;
import dev.roster.scim.ScimClientManagement;
import dev.roster.scim.ScimClientManagement.Issued;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
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

/**
 * {@code /v1/scim-clients}, for platform admins: the identities IdPs provision Roster with over {@code /scim/v2}, each
 * limited to its tenants. See docs/provisioning.md.
 */
@RestController
@RequestMapping("/v1/scim-clients")
class ScimClientController {

    /** The body, as the OpenAPI document shows it; read strictly by {@link JsonBody}. */
    record ScimClientFields(String name, List<UUID> tenantIds) {}

    /** A client with its bearer token: answered once, at creation or rotation, never stored in clear. */
    record WithToken(
            UUID id,
            String name,
            List<UUID> tenantIds,
            String token,
            Instant createdAt,
            @Nullable Instant tokenCreatedAt,
            @Nullable Instant previousTokenExpiresAt,
            long version) {

        static WithToken of(Issued issued, long version) {
            ScimClient c = issued.client();
            return new WithToken(
                    c.id(),
                    c.name(),
                    c.tenantIds(),
                    issued.token(),
                    c.createdAt(),
                    c.tokenCreatedAt(),
                    c.previousTokenExpiresAt(),
                    version);
        }
    }

    record Deleted(UUID id, String name, boolean deleted, long version) {}

    private final ScimClientManagement management;
    private final Versions versions;

    ScimClientController(ScimClientManagement management, Versions versions) {
        this.management = management;
        this.versions = versions;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Allow(Rule.PLATFORM_ADMIN)
    ResponseEntity<WithToken> create(
            Caller caller,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = ScimClientFields.class)))
                    @RequestBody
                    byte[] body) {
        JsonBody fields = JsonBody.parse(body, "name", "tenant_ids");
        String name = fields.text("name", 200, true);
        var tenantIds = new ArrayList<UUID>();
        for (String raw : fields.texts("tenant_ids", ScimClientManagement.MAX_TENANTS, 36)) {
            UUID id = Uuids.parse(raw);
            if (id == null) {
                throw JsonBody.invalid("tenant_ids", "entries must be tenant ids (canonical UUIDs).");
            }
            tenantIds.add(id);
        }
        Issued issued = management.create(caller, java.util.Objects.requireNonNull(name), tenantIds);
        return ResponseEntity.status(HttpStatus.CREATED)
                .header(
                        HttpHeaders.LOCATION,
                        "/v1/scim-clients/" + issued.client().id())
                .cacheControl(CacheControl.noStore())
                .body(WithToken.of(issued, versions.committed()));
    }

    @GetMapping
    @Allow(Rule.PLATFORM_ADMIN)
    Page<ScimClient> list(
            @RequestParam(name = "limit", required = false) @Nullable Integer limit,
            @RequestParam(name = "cursor", required = false) @Nullable String cursor) {
        return management.list(cursor, Page.limit(limit));
    }

    @Problems({ErrorCode.SCIM_CLIENT_NOT_FOUND})
    @GetMapping("/{scimClientId}")
    @Allow(Rule.PLATFORM_ADMIN)
    ScimClient get(@PathVariable UUID scimClientId) {
        return management.get(scimClientId);
    }

    /**
     * A new token, answered once; the previous one keeps working beside it for the overlap, or ends now with
     * {@code {"end_previous": true}} (it leaked).
     */
    @Problems({ErrorCode.SCIM_CLIENT_NOT_FOUND, ErrorCode.MALFORMED_BODY, ErrorCode.INVALID_FIELD})
    @PostMapping("/{scimClientId}/token:rotate")
    @Allow(Rule.PLATFORM_ADMIN)
    ResponseEntity<WithToken> rotateToken(
            Caller caller, @PathVariable UUID scimClientId, @RequestBody(required = false) byte @Nullable [] body) {
        Issued issued = management.rotateToken(caller, scimClientId, JsonBody.optionalFlag(body, "end_previous"));
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noStore())
                .body(WithToken.of(issued, versions.committed()));
    }

    @Problems({ErrorCode.SCIM_CLIENT_NOT_FOUND})
    @DeleteMapping("/{scimClientId}")
    @Allow(Rule.PLATFORM_ADMIN)
    Deleted delete(Caller caller, @PathVariable UUID scimClientId) {
        ScimClient deleted = management.delete(caller, scimClientId);
        return new Deleted(deleted.id(), deleted.name(), true, versions.committed());
    }
}
