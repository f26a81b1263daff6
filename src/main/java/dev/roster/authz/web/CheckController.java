package dev.roster.authz.web;

import dev.roster.authz.Allow;
import dev.roster.authz.AuthorizationCheck;
import dev.roster.authz.AuthorizationCheck.Answer;
import dev.roster.authz.AuthorizationCheck.Permissions;
import dev.roster.authz.AuthorizationCheck.Reason;
import dev.roster.authz.GrantSyntax;
import dev.roster.authz.Rule;
import dev.roster.platform.AuthenticatedUser;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.JsonBody;
import dev.roster.platform.Problems;
import dev.roster.platform.Versions;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /v1/authz}: may this user do this, here? Any signed-in user may ask about themselves; asking about someone
 * else needs a tenant admin of that tenant or a platform admin. Every answer carries the {@code version} it is at
 * least as fresh as; {@code min_version} (query or body) makes it wait for a write's version first.
 */
@RestController
@RequestMapping("/v1/authz")
class CheckController {

    static final int MAX_BATCH = 100;
    private static final String[] CHECK_FIELDS = {"user_id", "tenant_id", "permission", "resource", "min_version"};
    private static final String[] BATCH_ITEM_FIELDS = {"user_id", "tenant_id", "permission", "resource"};

    /** The body, as the OpenAPI document shows it. */
    record CheckRequest(
            @Nullable UUID userId,
            UUID tenantId,
            String permission,
            @Nullable String resource,
            @Nullable Long minVersion) {}

    record BatchRequest(List<CheckRequest> checks, @Nullable Long minVersion) {}

    record CheckAnswer(boolean allowed, Reason reason, long version) {}

    record BatchAnswer(List<Answer> results, long version) {}

    record PermissionsAnswer(
            UUID userId,
            UUID tenantId,
            String standing,
            List<String> principals,
            List<AuthorizationCheck.GrantRef> grants,
            long version) {}

    private record Question(UUID userId, UUID tenantId, String permission, String resource) {}

    private final AuthorizationCheck checks;
    private final Versions versions;

    CheckController(AuthorizationCheck checks, Versions versions) {
        this.checks = checks;
        this.versions = versions;
    }

    /** {@code {"tenant_id": "…", "permission": "docs:read", "resource": "docs/42"}} → {@code {allowed, reason}}. */
    @Problems({ErrorCode.ROLE_REQUIRED, ErrorCode.STALE_READ})
    @PostMapping(path = "/check", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Allow(Rule.SIGNED_IN)
    CheckAnswer check(
            AuthenticatedUser user,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = CheckRequest.class)))
                    @RequestBody
                    byte[] body) {
        JsonBody json = JsonBody.parse(body, CHECK_FIELDS);
        Question question = question(json, user);
        awaitMinVersion(json);
        checks.requireMayAsk(user.userId(), question.userId(), question.tenantId());
        long version = versions.seen();
        Answer answer = ask(question);
        return new CheckAnswer(answer.allowed(), answer.reason(), version);
    }

    /** Up to 100 checks in one request, answered in order; refused as a whole if any may not be asked. */
    @Problems({ErrorCode.ROLE_REQUIRED, ErrorCode.STALE_READ})
    @PostMapping(path = "/check:batch", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Allow(Rule.SIGNED_IN)
    BatchAnswer batch(
            AuthenticatedUser user,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = BatchRequest.class)))
                    @RequestBody
                    byte[] body) {
        JsonBody json = JsonBody.parse(body, "checks", "min_version");
        var questions = new ArrayList<Question>();
        for (JsonBody item : json.objects("checks", MAX_BATCH, BATCH_ITEM_FIELDS)) {
            questions.add(question(item, user));
        }
        awaitMinVersion(json);
        for (Question q : questions) {
            checks.requireMayAsk(user.userId(), q.userId(), q.tenantId());
        }
        long version = versions.seen();
        var batch = new ArrayList<AuthorizationCheck.Question>(questions.size());
        for (Question q : questions) {
            batch.add(new AuthorizationCheck.Question(q.userId(), q.tenantId(), q.permission(), q.resource()));
        }
        return new BatchAnswer(List.copyOf(checks.checkAll(batch)), version);
    }

    /** The grants that apply to the user (default: the caller) in the tenant, for UIs that grey out buttons. */
    @Problems({ErrorCode.ROLE_REQUIRED})
    @GetMapping("/permissions")
    @Allow(Rule.SIGNED_IN)
    PermissionsAnswer permissions(
            AuthenticatedUser user,
            @RequestParam(name = "tenant_id") UUID tenantId,
            @RequestParam(name = "user_id", required = false) @Nullable UUID userId) {
        UUID subject = userId == null ? user.userId() : userId;
        checks.requireMayAsk(user.userId(), subject, tenantId);
        long version = versions.seen();
        Permissions p = checks.permissions(subject, tenantId);
        return new PermissionsAnswer(p.userId(), p.tenantId(), p.standing(), p.principals(), p.grants(), version);
    }

    private Answer ask(Question q) {
        return checks.check(q.userId(), q.tenantId(), q.permission(), q.resource());
    }

    private static Question question(JsonBody json, AuthenticatedUser user) {
        UUID userId = json.uuid("user_id", false);
        UUID tenantId = json.uuid("tenant_id", true);
        String permission = GrantSyntax.requireConcretePermission("permission", json.text("permission", 1_000, true));
        String resource = json.text("resource", GrantSyntax.MAX_RESOURCE, false);
        return new Question(
                userId == null ? user.userId() : userId, tenantId, permission, resource == null ? "" : resource);
    }

    private void awaitMinVersion(JsonBody json) {
        Long minVersion = json.wholeNumber("min_version", 0, false);
        if (minVersion != null) {
            versions.awaitAtLeast(minVersion);
        }
    }
}
