package dev.roster.webhooks.web;

import dev.roster.authz.Allow;
import dev.roster.authz.Caller;
import dev.roster.authz.Rule;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.JsonBody;
import dev.roster.platform.Page;
import dev.roster.platform.Problems;
import dev.roster.platform.Versions;
import dev.roster.webhooks.Subscription;
import dev.roster.webhooks.SubscriptionManagement;
import dev.roster.webhooks.SubscriptionManagement.Patch;
import dev.roster.webhooks.SubscriptionManagement.WithSecret;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
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
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /v1/webhook-subscriptions}, for platform admins: who hears of Roster's changes, as signed Standard Webhooks.
 * See docs/outbox.md#change-feed-webhooks.
 */
@RestController
@RequestMapping("/v1/webhook-subscriptions")
class WebhookSubscriptionController {

    static final String[] FIELDS = {"url", "description", "event_types", "enabled"};

    /** The body, as the OpenAPI document shows it; read strictly by {@link JsonBody}. */
    record SubscriptionFields(
            String url,
            @Nullable String description,
            @Nullable List<String> eventTypes,
            @Nullable Boolean enabled) {}

    /** A subscription with its secret: answered once, at creation or rotation. */
    record SubscriptionWithSecret(
            UUID id,
            String url,
            @Nullable String description,
            List<String> eventTypes,
            boolean enabled,
            @Nullable String disabledReason,
            Instant createdAt,
            Instant updatedAt,
            String secret,
            long version) {

        static SubscriptionWithSecret of(WithSecret w, long version) {
            Subscription s = w.subscription();
            return new SubscriptionWithSecret(
                    s.id(),
                    s.url(),
                    s.description(),
                    s.eventTypes(),
                    s.enabled(),
                    s.disabledReason(),
                    s.createdAt(),
                    s.updatedAt(),
                    w.secret(),
                    version);
        }
    }

    record Deleted(UUID id, boolean deleted, long version) {}

    record TestQueued(UUID subscriptionId, UUID testId, long version) {}

    private final SubscriptionManagement management;
    private final Versions versions;

    WebhookSubscriptionController(SubscriptionManagement management, Versions versions) {
        this.management = management;
        this.versions = versions;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Allow(Rule.PLATFORM_ADMIN)
    ResponseEntity<SubscriptionWithSecret> create(
            Caller caller,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = SubscriptionFields.class)))
                    @RequestBody
                    byte[] body) {
        JsonBody fields = JsonBody.parse(body, "url", "description", "event_types");
        WithSecret created = management.create(
                caller,
                fields.text("url", 2048, true),
                fields.text("description", 1000, false),
                fields.texts("event_types", SubscriptionManagement.MAX_EVENT_TYPES, 100));
        return ResponseEntity.status(HttpStatus.CREATED)
                .header(
                        HttpHeaders.LOCATION,
                        "/v1/webhook-subscriptions/" + created.subscription().id())
                .cacheControl(CacheControl.noStore())
                .body(SubscriptionWithSecret.of(created, versions.committed()));
    }

    @GetMapping
    @Allow(Rule.PLATFORM_ADMIN)
    Page<Subscription> list(
            @RequestParam(name = "limit", required = false) @Nullable Integer limit,
            @RequestParam(name = "cursor", required = false) @Nullable String cursor) {
        return management.list(cursor, Page.limit(limit));
    }

    @Problems({ErrorCode.WEBHOOK_SUBSCRIPTION_NOT_FOUND})
    @GetMapping("/{subscriptionId}")
    @Allow(Rule.PLATFORM_ADMIN)
    Subscription get(@PathVariable UUID subscriptionId) {
        return management.get(subscriptionId);
    }

    /** A JSON Merge Patch of url, description ({@code null} removes it), event_types and enabled. */
    @Problems({ErrorCode.WEBHOOK_SUBSCRIPTION_NOT_FOUND})
    @PatchMapping(
            path = "/{subscriptionId}",
            consumes = {MediaType.APPLICATION_JSON_VALUE, "application/merge-patch+json"})
    @Allow(Rule.PLATFORM_ADMIN)
    Subscription patch(
            Caller caller,
            @PathVariable UUID subscriptionId,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = SubscriptionFields.class)))
                    @RequestBody
                    byte[] body) {
        JsonBody fields = JsonBody.parse(body, FIELDS).notRemovable("url", "event_types", "enabled");
        var raw = JsonBody.tree(body);
        return management.patch(
                caller,
                subscriptionId,
                new Patch(
                        fields.text("url", 2048, false),
                        fields.text("description", 1000, false),
                        fields.isNull("description"),
                        raw.has("event_types")
                                ? fields.texts("event_types", SubscriptionManagement.MAX_EVENT_TYPES, 100)
                                : null,
                        fields.bool("enabled", false)));
    }

    @Problems({ErrorCode.WEBHOOK_SUBSCRIPTION_NOT_FOUND})
    @DeleteMapping("/{subscriptionId}")
    @Allow(Rule.PLATFORM_ADMIN)
    Deleted delete(Caller caller, @PathVariable UUID subscriptionId) {
        Subscription deleted = management.delete(caller, subscriptionId);
        return new Deleted(deleted.id(), true, versions.committed());
    }

    /** A new secret, answered once; the previous one keeps signing beside it for the overlap. */
    @Problems({ErrorCode.WEBHOOK_SUBSCRIPTION_NOT_FOUND})
    @PostMapping("/{subscriptionId}/secret:rotate")
    @Allow(Rule.PLATFORM_ADMIN)
    ResponseEntity<SubscriptionWithSecret> rotateSecret(Caller caller, @PathVariable UUID subscriptionId) {
        WithSecret rotated = management.rotateSecret(caller, subscriptionId);
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noStore())
                .body(SubscriptionWithSecret.of(rotated, versions.committed()));
    }

    /** Queues a {@code webhook.test} event for this subscription alone; {@code 202}, delivered like any event. */
    @Problems({ErrorCode.WEBHOOK_SUBSCRIPTION_NOT_FOUND})
    @PostMapping("/{subscriptionId}:test")
    @Allow(Rule.PLATFORM_ADMIN)
    ResponseEntity<TestQueued> test(Caller caller, @PathVariable UUID subscriptionId) {
        UUID testId = management.test(caller, subscriptionId);
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .body(new TestQueued(subscriptionId, testId, versions.committed()));
    }
}
