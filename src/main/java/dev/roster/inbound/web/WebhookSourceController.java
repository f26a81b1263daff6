package dev.roster.inbound.web;

import dev.roster.authz.Allow;
import dev.roster.authz.Caller;
import dev.roster.authz.Rule;
import dev.roster.inbound.InboundEvent;
import dev.roster.inbound.InboundReceiver;
import dev.roster.inbound.SourceManagement;
import dev.roster.inbound.SourceManagement.WithSecret;
import dev.roster.inbound.WebhookSource;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.JsonBody;
import dev.roster.platform.Page;
import dev.roster.platform.Problems;
import dev.roster.platform.Versions;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /v1/webhook-sources}: the directories that push their changes to Roster. Platform admins manage them; the
 * directories send their events to {@code POST /v1/webhook-sources/{name}/events}, authenticated by their Standard
 * Webhooks signature alone. See docs/provisioning.md#webhook-sources.
 */
@RestController
@RequestMapping("/v1/webhook-sources")
class WebhookSourceController {

    /** The body, as the OpenAPI document shows it; read strictly by {@link JsonBody}. */
    record SourceFields(String name, @Nullable String description) {}

    /** A source with its secret: answered once, at creation or rotation. */
    record SourceWithSecret(String name, @Nullable String description, Instant createdAt, String secret, long version) {

        static SourceWithSecret of(WithSecret w, long version) {
            WebhookSource s = w.source();
            return new SourceWithSecret(s.name(), s.description(), s.createdAt(), w.secret(), version);
        }
    }

    record Deleted(String name, boolean deleted, long version) {}

    /** {@code accepted}: recorded, to be applied; {@code duplicate}: this source sent that event before. */
    record Received(String eventId, String status) {}

    private final SourceManagement management;
    private final InboundReceiver receiver;
    private final Versions versions;

    WebhookSourceController(SourceManagement management, InboundReceiver receiver, Versions versions) {
        this.management = management;
        this.receiver = receiver;
        this.versions = versions;
    }

    @Problems({ErrorCode.WEBHOOK_SOURCE_EXISTS})
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Allow(Rule.PLATFORM_ADMIN)
    ResponseEntity<SourceWithSecret> create(
            Caller caller,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = SourceFields.class)))
                    @RequestBody
                    byte[] body) {
        JsonBody fields = JsonBody.parse(body, "name", "description");
        WithSecret created =
                management.create(caller, fields.text("name", 63, true), fields.text("description", 1000, false));
        return ResponseEntity.status(HttpStatus.CREATED)
                .header(
                        HttpHeaders.LOCATION,
                        "/v1/webhook-sources/" + created.source().name())
                .cacheControl(CacheControl.noStore())
                .body(SourceWithSecret.of(created, versions.committed()));
    }

    @GetMapping
    @Allow(Rule.PLATFORM_ADMIN)
    Page<WebhookSource> list(
            @RequestParam(name = "limit", required = false) @Nullable Integer limit,
            @RequestParam(name = "cursor", required = false) @Nullable String cursor) {
        return management.list(cursor, Page.limit(limit));
    }

    @Problems({ErrorCode.WEBHOOK_SOURCE_NOT_FOUND})
    @GetMapping("/{name}")
    @Allow(Rule.PLATFORM_ADMIN)
    WebhookSource get(@PathVariable String name) {
        return management.get(name);
    }

    /**
     * A new secret, answered once; deliveries signed with the previous one are accepted for the overlap, or not at all
     * with {@code {"end_previous": true}} (it leaked).
     */
    @Problems({ErrorCode.WEBHOOK_SOURCE_NOT_FOUND, ErrorCode.MALFORMED_BODY, ErrorCode.INVALID_FIELD})
    @PostMapping("/{name}/secret:rotate")
    @Allow(Rule.PLATFORM_ADMIN)
    ResponseEntity<SourceWithSecret> rotateSecret(
            Caller caller, @PathVariable String name, @RequestBody(required = false) byte @Nullable [] body) {
        WithSecret rotated = management.rotateSecret(caller, name, JsonBody.optionalFlag(body, "end_previous"));
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noStore())
                .body(SourceWithSecret.of(rotated, versions.committed()));
    }

    @Problems({ErrorCode.WEBHOOK_SOURCE_NOT_FOUND})
    @DeleteMapping("/{name}")
    @Allow(Rule.PLATFORM_ADMIN)
    Deleted delete(Caller caller, @PathVariable String name) {
        WebhookSource deleted = management.delete(caller, name);
        return new Deleted(deleted.name(), true, versions.committed());
    }

    /** What the source sent, newest first, with what applying each did. */
    @Problems({ErrorCode.WEBHOOK_SOURCE_NOT_FOUND, ErrorCode.INVALID_PARAMETER})
    @GetMapping("/{name}/events")
    @Allow(Rule.PLATFORM_ADMIN)
    Page<InboundEvent> events(
            @PathVariable String name,
            @RequestParam(name = "outcome", required = false) @Nullable String outcome,
            @RequestParam(name = "limit", required = false) @Nullable Integer limit,
            @RequestParam(name = "cursor", required = false) @Nullable String cursor) {
        return management.events(name, outcome, cursor, Page.limit(limit));
    }

    /** A refused event queued again, once its cause is fixed; its record, pending again. */
    @Problems({
        ErrorCode.WEBHOOK_SOURCE_NOT_FOUND,
        ErrorCode.INBOUND_EVENT_NOT_FOUND,
        ErrorCode.INBOUND_EVENT_NOT_REFUSED
    })
    @PostMapping("/{name}/events/{inboundEventId}:replay")
    @Allow(Rule.PLATFORM_ADMIN)
    InboundEvent replay(Caller caller, @PathVariable String name, @PathVariable long inboundEventId) {
        return management.replay(caller, name, inboundEventId);
    }

    /**
     * An event from the source: {@code 202} once recorded (applied shortly after, in order per user or tenant),
     * {@code 200} for one it sent before (nothing changes). Authenticated by its signature alone.
     */
    @Problems({ErrorCode.INVALID_SIGNATURE, ErrorCode.INVALID_FIELD, ErrorCode.PAYLOAD_TOO_LARGE})
    @PostMapping(path = "/{name}/events", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Allow(Rule.PUBLIC)
    ResponseEntity<Received> receive(
            @PathVariable String name, @RequestHeader HttpHeaders headers, @RequestBody byte[] body) {
        Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach(byName::put);
        InboundReceiver.Accepted accepted = receiver.accept(name, byName, body);
        return accepted.duplicate()
                ? ResponseEntity.ok(new Received(accepted.eventId(), "duplicate"))
                : ResponseEntity.status(HttpStatus.ACCEPTED).body(new Received(accepted.eventId(), "accepted"));
    }
}
