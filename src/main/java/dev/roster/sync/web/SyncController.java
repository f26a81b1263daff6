package dev.roster.sync.web;

import dev.roster.authz.Allow;
import dev.roster.authz.Rule;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.JsonBody;
import dev.roster.platform.Problems;
import dev.roster.platform.Uuids;
import dev.roster.sync.SyncAdmin;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Platform admins' handles on directory sync (docs/sync.md, "What an operator sees and does"). */
@RestController
class SyncController {

    /** At most this many users per force-sync request: each may be an upstream call. */
    static final int MAX_USERS = 100;

    /** The body's fields, as the OpenAPI document shows them; read strictly by {@link JsonBody}. */
    record SyncRequest(
            @Nullable List<UUID> userIds,
            @Nullable List<String> externalIds,
            @Nullable Boolean force,
            @Nullable Boolean dryRun,
            @Nullable Boolean acceptRemovals) {}

    private final SyncAdmin admin;

    SyncController(SyncAdmin admin) {
        this.admin = admin;
    }

    @Problems({ErrorCode.DIRECTORY_NOT_CONFIGURED})
    @PostMapping(path = "/v1/users/sync", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Allow(Rule.PLATFORM_ADMIN)
    SyncAdmin.SyncAnswer sync(
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = SyncRequest.class)))
                    @RequestBody
                    byte[] body) {
        JsonBody fields = JsonBody.parse(body, "user_ids", "external_ids", "force", "dry_run", "accept_removals");
        List<UUID> userIds = fields.texts("user_ids", MAX_USERS, 36).stream()
                .map(SyncController::uuid)
                .toList();
        List<String> externalIds = fields.texts("external_ids", MAX_USERS, 255);
        if (userIds.isEmpty() && externalIds.isEmpty()) {
            throw ErrorCode.INVALID_FIELD.problem("Name the users to sync in 'user_ids' or 'external_ids'.");
        }
        if (userIds.size() + externalIds.size() > MAX_USERS) {
            throw ErrorCode.INVALID_FIELD.problem("At most " + MAX_USERS + " users per request.");
        }
        return admin.sync(
                userIds,
                externalIds,
                Boolean.TRUE.equals(fields.bool("force", false)),
                Boolean.TRUE.equals(fields.bool("dry_run", false)),
                Boolean.TRUE.equals(fields.bool("accept_removals", false)));
    }

    @Problems({ErrorCode.USER_NOT_FOUND})
    @DeleteMapping("/v1/users/{userId}/cache")
    @Allow(Rule.PLATFORM_ADMIN)
    ResponseEntity<Void> dropCache(@PathVariable UUID userId) {
        admin.dropCache(userId);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/v1/sync/status")
    @Allow(Rule.PLATFORM_ADMIN)
    SyncAdmin.Status status() {
        return admin.status();
    }

    private static UUID uuid(String text) {
        UUID id = Uuids.parse(text);
        if (id == null) {
            throw JsonBody.invalid("user_ids", "must hold UUIDs.");
        }
        return id;
    }
}
