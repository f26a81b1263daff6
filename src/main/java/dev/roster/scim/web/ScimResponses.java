package dev.roster.scim.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roster.scim.ScimJson;
import org.springframework.http.ResponseEntity;

/** SCIM answers: the JSON written by the SCIM library's mapper; the media type negotiated from the route's list. */
final class ScimResponses {

    /** What every SCIM route produces, preferred first. */
    static final String[] PRODUCES = {ScimJson.MEDIA_TYPE, "application/json"};

    private ScimResponses() {}

    static ResponseEntity<byte[]> ok(JsonNode body) {
        return ResponseEntity.ok(ScimJson.bytes(body));
    }
}
