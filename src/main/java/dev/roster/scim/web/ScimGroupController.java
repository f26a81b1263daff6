package dev.roster.scim.web;

import dev.roster.scim.ScimCaller;
import dev.roster.scim.ScimGroupDirectory;
import dev.roster.scim.ScimQuery;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /scim/v2/Groups}, read side: a group is one role in one of the client's tenants (see docs/provisioning.md
 * for the rule), its members the tenant's members holding that role.
 */
@RestController
@RequestMapping(
        path = "/scim/v2/Groups",
        produces = {"application/scim+json", "application/json"})
class ScimGroupController {

    private final ScimGroupDirectory groups;

    ScimGroupController(ScimGroupDirectory groups) {
        this.groups = groups;
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
