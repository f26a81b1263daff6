package dev.roster.scim.web;

import dev.roster.scim.ScimCaller;
import dev.roster.scim.ScimDiscovery;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /scim/v2} discovery (RFC 7644 §4): {@code ServiceProviderConfig}, {@code ResourceTypes}, {@code Schemas}.
 * Like every SCIM route, for SCIM clients only. See docs/provisioning.md.
 */
@RestController
@RequestMapping(
        path = "/scim/v2",
        produces = {"application/scim+json", "application/json"})
class ScimDiscoveryController {

    private final ScimDiscovery discovery;

    ScimDiscoveryController(ScimDiscovery discovery) {
        this.discovery = discovery;
    }

    @GetMapping("/ServiceProviderConfig")
    ResponseEntity<byte[]> serviceProviderConfig(ScimCaller caller) {
        return ScimResponses.ok(discovery.serviceProviderConfig());
    }

    @GetMapping("/ResourceTypes")
    ResponseEntity<byte[]> resourceTypes(ScimCaller caller) {
        return ScimResponses.ok(discovery.resourceTypes());
    }

    @GetMapping("/ResourceTypes/{name}")
    ResponseEntity<byte[]> resourceType(ScimCaller caller, @PathVariable String name) {
        return ScimResponses.ok(discovery.resourceType(name));
    }

    @GetMapping("/Schemas")
    ResponseEntity<byte[]> schemas(ScimCaller caller) {
        return ScimResponses.ok(discovery.schemas());
    }

    @GetMapping("/Schemas/{id}")
    ResponseEntity<byte[]> schema(ScimCaller caller, @PathVariable String id) {
        return ScimResponses.ok(discovery.schema(id));
    }
}
