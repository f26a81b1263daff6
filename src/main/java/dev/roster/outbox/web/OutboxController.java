package dev.roster.outbox.web;

import dev.roster.authz.Allow;
import dev.roster.authz.Caller;
import dev.roster.authz.Rule;
import dev.roster.outbox.OutboxOperations;
import dev.roster.outbox.OutboxOperations.Event;
import dev.roster.outbox.OutboxOperations.State;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.JsonBody;
import dev.roster.platform.Page;
import dev.roster.platform.Problems;
import dev.roster.platform.Versions;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /v1/outbox}, for platform admins: the events waiting, dead or delivered, and their replay. See
 * docs/outbox.md#operating-it.
 */
@RestController
@RequestMapping("/v1")
class OutboxController {

    record ReplayDead(@Nullable String target) {}

    record Replayed(long replayed, long version) {}

    record ReplayedEvent(Event event, long version) {}

    private final OutboxOperations operations;
    private final Versions versions;

    OutboxController(OutboxOperations operations, Versions versions) {
        this.operations = operations;
        this.versions = versions;
    }

    /** Events in a state ({@code pending} by default, {@code dead}, {@code delivered}), of a target or kind. */
    @Problems({ErrorCode.INVALID_PARAMETER})
    @GetMapping("/outbox")
    @Allow(Rule.PLATFORM_ADMIN)
    Page<Event> list(
            @RequestParam(name = "state", required = false) @Nullable String state,
            @RequestParam(name = "target", required = false) @Nullable String target,
            @RequestParam(name = "limit", required = false) @Nullable Integer limit,
            @RequestParam(name = "cursor", required = false) @Nullable String cursor) {
        State parsed = state == null ? State.PENDING : OutboxOperations.state(state);
        if (parsed == null) {
            throw ErrorCode.INVALID_PARAMETER.problem("'state' must be pending, dead or delivered.");
        }
        if (target != null && (target.isBlank() || target.length() > 200)) {
            throw ErrorCode.INVALID_PARAMETER.problem("'target' must be a target (webhook:<id>) or a kind (webhook).");
        }
        return operations.list(parsed, target, cursor, Page.limit(limit));
    }

    /** A dead or delivered event back in line, due now. */
    @Problems({ErrorCode.OUTBOX_EVENT_NOT_FOUND, ErrorCode.OUTBOX_EVENT_PENDING})
    @PostMapping("/outbox/{eventId}:replay")
    @Allow(Rule.PLATFORM_ADMIN)
    ReplayedEvent replay(Caller caller, @PathVariable long eventId) {
        Event event = operations.replay(caller.actor(), eventId);
        return new ReplayedEvent(event, versions.committed());
    }

    /** Every dead event (of a target or kind, when given) back in line; how many. */
    @PostMapping("/outbox:replay-dead")
    @Allow(Rule.PLATFORM_ADMIN)
    Replayed replayDead(
            Caller caller,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = false,
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = ReplayDead.class)))
                    @RequestBody(required = false)
                    byte @Nullable [] body) {
        String target = body == null || body.length == 0
                ? null
                : JsonBody.parse(body, "target").text("target", 200, false);
        long replayed = operations.replayDead(caller.actor(), target);
        return new Replayed(replayed, versions.committed());
    }
}
