package dev.roster.users.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.roster.authz.Allow;
import dev.roster.authz.Rule;
import dev.roster.platform.AuthenticatedUser;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.JsonBody;
import dev.roster.platform.Problems;
import dev.roster.platform.RosterException;
import dev.roster.users.Me;
import dev.roster.users.SettingsLimit;
import dev.roster.users.SettingsManagement;
import dev.roster.users.UserViews;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The signed-in user's own view: answered from Roster's database (or its cache), never from the upstream. */
@RestController
@RequestMapping("/v1/me")
class MeController {

    private final UserViews views;
    private final SettingsManagement settings;
    private final int settingsMaxBytes;
    private final JsonMapper json;

    MeController(UserViews views, SettingsManagement settings, SettingsLimit limit, JsonMapper json) {
        this.views = views;
        this.json = json;
        this.settings = settings;
        this.settingsMaxBytes = limit.settingsMaxBytes();
    }

    /**
     * The view as JSON, serialised once per cached view rather than on every request: a view is immutable and
     * replaced (never changed) when the user changes, so its JSON is too. Weak keys compare by identity, and an
     * entry goes with its view. The 50,000 most used of them (about 1 KB each), not every cached view.
     */
    private final Cache<Me, byte[]> bodies =
            Caffeine.newBuilder().weakKeys().maximumSize(50_000).build();

    @Problems({ErrorCode.USER_NOT_FOUND})
    @GetMapping
    @Allow(Rule.SIGNED_IN)
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Me.class)))
    ResponseEntity<byte[]> me(AuthenticatedUser user) {
        byte[] body = bodies.get(load(user), json::writeValueAsBytes);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
    }

    record RoleInTenant(UUID tenantId, String role) {}

    @Problems({ErrorCode.MEMBERSHIP_NOT_FOUND, ErrorCode.USER_NOT_FOUND})
    @GetMapping("/role")
    @Allow(Rule.SIGNED_IN)
    RoleInTenant role(AuthenticatedUser user, @RequestParam("tenant_id") UUID tenantId) {
        return load(user)
                .membershipIn(tenantId)
                .map(m -> new RoleInTenant(tenantId, m.role()))
                .orElseThrow(() -> new RosterException(
                        ErrorCode.MEMBERSHIP_NOT_FOUND, "You have no role in tenant " + tenantId + "."));
    }

    /** JSON Merge Patch (RFC 7396) of the settings object; answers the whole resulting object. */
    @Problems({ErrorCode.INVALID_SETTINGS, ErrorCode.SETTINGS_TOO_LARGE, ErrorCode.USER_NOT_FOUND})
    @Allow(Rule.SIGNED_IN)
    @PatchMapping(
            path = "/settings",
            consumes = {"application/json", "application/merge-patch+json"})
    JsonNode patchSettings(AuthenticatedUser user, HttpServletRequest request) throws IOException {
        return settings.patch(user.userId(), readObject(request));
    }

    private ObjectNode readObject(HttpServletRequest request) throws IOException {
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(settingsMaxBytes + 1);
        }
        if (body.length > settingsMaxBytes) {
            throw new RosterException(
                    ErrorCode.PAYLOAD_TOO_LARGE, "The body may be at most " + settingsMaxBytes + " bytes.");
        }
        if (!(JsonBody.tree(body) instanceof ObjectNode object)) {
            throw new RosterException(ErrorCode.INVALID_SETTINGS, "Settings must be a JSON object.");
        }
        return object;
    }

    private Me load(AuthenticatedUser user) {
        return views.me(user.userId())
                .orElseThrow(() ->
                        new RosterException(ErrorCode.USER_NOT_FOUND, "The user of this token no longer exists."));
    }
}
