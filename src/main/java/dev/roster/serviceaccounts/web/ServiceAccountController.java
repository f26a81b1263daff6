package dev.roster.serviceaccounts.web;

import dev.roster.authz.Allow;
import dev.roster.authz.Caller;
import dev.roster.authz.Rule;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.JsonBody;
import dev.roster.platform.Page;
import dev.roster.platform.Problems;
import dev.roster.platform.Versions;
import dev.roster.serviceaccounts.ServiceAccount;
import dev.roster.serviceaccounts.ServiceAccountManagement;
import dev.roster.serviceaccounts.ServiceAccountManagement.Issued;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
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
 * {@code /v1/service-accounts}, for platform admins: the identities applications' backends sign in with through the
 * client-credentials grant. See docs/authorization.md#service-accounts.
 */
@RestController
@RequestMapping("/v1/service-accounts")
class ServiceAccountController {

    /** The body, as the OpenAPI document shows it; read strictly by {@link JsonBody}. */
    record ServiceAccountFields(String name, @Nullable String description) {}

    /** An account with its secret: answered once, at creation or rotation, never stored in clear. */
    record WithSecret(
            UUID id,
            String clientId,
            String clientSecret,
            String name,
            @Nullable String description,
            boolean isActive,
            Instant createdAt,
            @Nullable Instant secretCreatedAt,
            @Nullable Instant previousSecretExpiresAt,
            long version) {

        static WithSecret of(Issued issued, long version) {
            ServiceAccount a = issued.account();
            return new WithSecret(
                    a.id(),
                    a.clientId(),
                    issued.clientSecret(),
                    a.name(),
                    a.description(),
                    a.isActive(),
                    a.createdAt(),
                    a.secretCreatedAt(),
                    a.previousSecretExpiresAt(),
                    version);
        }
    }

    record Deactivated(
            UUID id, String clientId, String name, @Nullable String description, boolean isActive, long version) {}

    private final ServiceAccountManagement management;
    private final Versions versions;

    ServiceAccountController(ServiceAccountManagement management, Versions versions) {
        this.management = management;
        this.versions = versions;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Allow(Rule.PLATFORM_ADMIN)
    ResponseEntity<WithSecret> create(
            Caller caller,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = ServiceAccountFields.class)))
                    @RequestBody
                    byte[] body) {
        JsonBody fields = JsonBody.parse(body, "name", "description");
        Issued issued =
                management.create(caller, fields.text("name", 200, true), fields.text("description", 1000, false));
        return ResponseEntity.status(HttpStatus.CREATED)
                .header(
                        HttpHeaders.LOCATION,
                        "/v1/service-accounts/" + issued.account().id())
                .cacheControl(CacheControl.noStore())
                .body(WithSecret.of(issued, versions.committed()));
    }

    @GetMapping
    @Allow(Rule.PLATFORM_ADMIN)
    Page<ServiceAccount> list(
            @RequestParam(name = "limit", required = false) @Nullable Integer limit,
            @RequestParam(name = "cursor", required = false) @Nullable String cursor) {
        return management.list(cursor, Page.limit(limit));
    }

    @Problems({ErrorCode.SERVICE_ACCOUNT_NOT_FOUND})
    @GetMapping("/{serviceAccountId}")
    @Allow(Rule.PLATFORM_ADMIN)
    ServiceAccount get(@PathVariable UUID serviceAccountId) {
        return management.get(serviceAccountId);
    }

    @Problems({ErrorCode.SERVICE_ACCOUNT_NOT_FOUND})
    @PostMapping("/{serviceAccountId}/secret:rotate")
    @Allow(Rule.PLATFORM_ADMIN)
    ResponseEntity<WithSecret> rotateSecret(Caller caller, @PathVariable UUID serviceAccountId) {
        Issued issued = management.rotateSecret(caller, serviceAccountId);
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noStore())
                .body(WithSecret.of(issued, versions.committed()));
    }

    @Problems({ErrorCode.SERVICE_ACCOUNT_NOT_FOUND, ErrorCode.LAST_PLATFORM_ADMIN})
    @DeleteMapping("/{serviceAccountId}")
    @Allow(Rule.PLATFORM_ADMIN)
    Deactivated deactivate(Caller caller, @PathVariable UUID serviceAccountId) {
        ServiceAccount a = management.deactivate(caller, serviceAccountId);
        return new Deactivated(a.id(), a.clientId(), a.name(), a.description(), a.isActive(), versions.committed());
    }
}
