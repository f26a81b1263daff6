package dev.roster.scim.web;

import dev.roster.scim.ScimCaller;
import dev.roster.scim.ScimQuery;
import dev.roster.scim.ScimUserDirectory;
import dev.roster.scim.ScimUserDirectory.Found;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /scim/v2/Users}, read side (RFC 7644 §3.4): one user, and lists with filter, sort, pagination and attribute
 * selection, within the client's tenants. See docs/provisioning.md for the attribute mapping.
 */
@RestController
@RequestMapping(
        path = "/scim/v2/Users",
        produces = {"application/scim+json", "application/json"})
class ScimUserController {

    private final ScimUserDirectory users;

    ScimUserController(ScimUserDirectory users) {
        this.users = users;
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

    /** RFC 9110 §13.1.2: a weak comparison, against {@code *} or any tag of the list. */
    private static boolean matches(String ifNoneMatch, String version) {
        String weak = version.startsWith("W/") ? version.substring(2) : version;
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(weak)) {
                return true;
            }
        }
        return false;
    }
}
