package dev.roster.scim.web;

import dev.roster.scim.ScimCaller;
import dev.roster.scim.ScimQuery;
import dev.roster.scim.ScimUserDirectory;
import dev.roster.scim.ScimUserDirectory.Found;
import dev.roster.scim.ScimUserWrites;
import dev.roster.scim.ScimUsers;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /scim/v2/Users} (RFC 7644 §3.3–3.6): one user, and lists with filter, sort, pagination and attribute
 * selection, within the client's view; creation, replacement, PATCH and deletion through {@code sync/}. Writes take
 * {@code If-Match}. See docs/provisioning.md for the attribute mapping and the identity rule.
 */
@RestController
@RequestMapping(
        path = "/scim/v2/Users",
        produces = {"application/scim+json", "application/json"})
class ScimUserController {

    private final ScimUserDirectory users;
    private final ScimUserWrites writes;

    ScimUserController(ScimUserDirectory users, ScimUserWrites writes) {
        this.users = users;
        this.writes = writes;
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
        return ScimResponses.ok(users.list(
                caller, new ScimQuery(filter, sortBy, sortOrder, startIndex, count, attributes, excludedAttributes)));
    }

    /** {@code ETag} is the user's version; {@code If-None-Match} with it answers {@code 304} without a body. */
    @GetMapping("/{id}")
    ResponseEntity<byte[]> get(
            ScimCaller caller,
            @PathVariable String id,
            @RequestParam(name = "attributes", required = false) @Nullable String attributes,
            @RequestParam(name = "excludedAttributes", required = false) @Nullable String excludedAttributes,
            @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) @Nullable String ifNoneMatch) {
        Found found = users.get(caller, id, attributes, excludedAttributes);
        if (ifNoneMatch != null && matches(ifNoneMatch, found.version())) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED)
                    .eTag(found.version())
                    .build();
        }
        return ResponseEntity.ok().eTag(found.version()).body(dev.roster.scim.ScimJson.bytes(found.resource()));
    }

    /** {@code 201} with the user, its {@code Location} and {@code ETag}. */
    @PostMapping(consumes = {"application/scim+json", "application/json"})
    ResponseEntity<byte[]> create(ScimCaller caller, @RequestBody(required = false) byte @Nullable [] body) {
        Found created = writes.create(caller, body == null ? new byte[0] : body);
        return written(HttpStatus.CREATED, created);
    }

    @PutMapping(
            path = "/{id}",
            consumes = {"application/scim+json", "application/json"})
    ResponseEntity<byte[]> replace(
            ScimCaller caller,
            @PathVariable String id,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
            @RequestBody(required = false) byte @Nullable [] body) {
        return written(HttpStatus.OK, writes.replace(caller, id, body == null ? new byte[0] : body, ifMatch));
    }

    @PatchMapping(
            path = "/{id}",
            consumes = {"application/scim+json", "application/json"})
    ResponseEntity<byte[]> patch(
            ScimCaller caller,
            @PathVariable String id,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
            @RequestBody(required = false) byte @Nullable [] body) {
        return written(HttpStatus.OK, writes.patch(caller, id, body == null ? new byte[0] : body, ifMatch));
    }

    /** {@code 204}: the user is deprovisioned (see {@link ScimUserWrites#delete}). */
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(
            ScimCaller caller,
            @PathVariable String id,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch) {
        writes.delete(caller, id, ifMatch);
        return ResponseEntity.noContent().build();
    }

    private static ResponseEntity<byte[]> written(HttpStatus status, Found found) {
        return ResponseEntity.status(status)
                .location(java.net.URI.create(
                        found.resource().path("meta").path("location").asText()))
                .eTag(found.version())
                .body(dev.roster.scim.ScimJson.bytes(found.resource()));
    }

    private static boolean matches(String ifNoneMatch, String version) {
        return ScimUsers.matches(ifNoneMatch, version);
    }
}
