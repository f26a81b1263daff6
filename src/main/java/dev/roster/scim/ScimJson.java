package dev.roster.scim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.utils.JsonUtils;

/**
 * SCIM's JSON: written with the SCIM library's own (Jackson 2) mapper, which knows its types and date format, beside
 * the Jackson 3 the rest of Roster answers with. SCIM attribute names are camelCase, not Roster's snake_case.
 */
public final class ScimJson {

    /** RFC 7644 §8.1; {@code application/json} is accepted and answered too. */
    public static final String MEDIA_TYPE = "application/scim+json";

    public static final String USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
    public static final String GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public static final String ENTERPRISE_USER_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    /** Roster's own extension: the profile fields neither the core nor the enterprise schema has. */
    public static final String ROSTER_USER_SCHEMA = "urn:roster:params:scim:schemas:extension:roster:2.0:User";

    /** Roster's extension of Group: the tenant and role a group is. */
    public static final String ROSTER_GROUP_SCHEMA = "urn:roster:params:scim:schemas:extension:roster:2.0:Group";

    public static final String LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    public static final String ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";

    private ScimJson() {}

    public static JsonNodeFactory nodes() {
        return JsonUtils.getJsonNodeFactory();
    }

    public static ObjectNode object() {
        return nodes().objectNode();
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return JsonUtils.getObjectWriter().writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** The RFC 7644 §3.12 error body; {@code status} is a string there. */
    static ObjectNode error(int status, @org.jspecify.annotations.Nullable String scimType, String detail) {
        ObjectNode body = object();
        body.putArray("schemas").add(ERROR);
        body.put("status", Integer.toString(status));
        if (scimType != null) {
            body.put("scimType", scimType);
        }
        body.put("detail", detail);
        return body;
    }
}
