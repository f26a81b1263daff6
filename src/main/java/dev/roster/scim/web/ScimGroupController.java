package dev.roster.scim.web;

import dev.roster.scim.ScimCaller;
import dev.roster.scim.ScimGroupDirectory;
import dev.roster.scim.ScimGroupWrites;
import dev.roster.scim.ScimJson;
import dev.roster.scim.ScimQuery;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /scim/v2/Groups}: a group is one role in one of the client's tenants (see docs/provisioning.md for the rule),
 * its members the tenant's members holding that role. Writes change members only ({@link ScimGroupWrites}).
 */
@RestController
@RequestMapping(
        path = "/scim/v2/Groups",
        produces = {"application/scim+json", "application/json"})
class ScimGroupController {

    private final ScimGroupDirectory groups;
    private final ScimGroupWrites writes;

    ScimGroupController(ScimGroupDirectory groups, ScimGroupWrites writes) {
        this.groups = groups;
        this.writes = writes;
    }

    /** {@code 201} with the existing group the {@code displayName} names (groups are fixed: see the rule). */
    @PostMapping(consumes = {"application/scim+json", "application/json"})
    ResponseEntity<byte[]> create(ScimCaller caller, @RequestBody(required = false) byte @Nullable [] body) {
        var group = writes.create(caller, body == null ? new byte[0] : body);
        return ResponseEntity.status(HttpStatus.CREATED)
                .location(
                        java.net.URI.create(group.path("meta").path("location").asText()))
                .body(ScimJson.bytes(group));
    }

    @PutMapping(
            path = "/{id}",
            consumes = {"application/scim+json", "application/json"})
    ResponseEntity<byte[]> replace(
            ScimCaller caller, @PathVariable String id, @RequestBody(required = false) byte @Nullable [] body) {
        return ScimResponses.ok(writes.replace(caller, id, body == null ? new byte[0] : body));
    }

    @PatchMapping(
            path = "/{id}",
            consumes = {"application/scim+json", "application/json"})
    ResponseEntity<byte[]> patch(
            ScimCaller caller, @PathVariable String id, @RequestBody(required = false) byte @Nullable [] body) {
        return ScimResponses.ok(writes.patch(caller, id, body == null ? new byte[0] : body));
    }

    @GetMapping
    ResponseEntity<byte[]> list(
            ScimCaller caller,
            @RequestParam(name = "filter", required = false) @Nullable String filter,
            @RequestParam(name = "sortBy", required = false) @Nullable String sortBy,
            @RequestParam(name = "sortOrder", required = false) @Nullable String sortOrder,
            @RequestParam(name = "startIndex", required = false) @Nullable Integer startIndex,
            @RequestParam(name = "count", required = false) @Nullable Integer count,
            @RequestParam(name = "attributes", required = false) @Nullable String attributes,
            @RequestParam(name = "excludedAttributes", required = false) @Nullable String excludedAttributes) {
        return ScimResponses.ok(groups.list(
                caller, new ScimQuery(filter, sortBy, sortOrder, startIndex, count, attributes, excludedAttributes)));
    }

    @GetMapping("/{id}")
    ResponseEntity<byte[]> get(
            ScimCaller caller,
            @PathVariable String id,
            @RequestParam(name = "attributes", required = false) @Nullable String attributes,
            @RequestParam(name = "excludedAttributes", required = false) @Nullable String excludedAttributes) {
        return ScimResponses.ok(groups.get(caller, id, attributes, excludedAttributes));
    }
}
