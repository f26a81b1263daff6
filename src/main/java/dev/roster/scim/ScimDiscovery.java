package dev.roster.scim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * The discovery endpoints (RFC 7644 §4): what this server supports, said as it is. Bulk and password changes are
 * announced unsupported; PATCH supported; filters, sorting and ETags supported, with the list maximum.
 */
@Service
public class ScimDiscovery {

    private final List<ResourceSchema> resources;

    private final ScimUserDirectory users;
    private final int maxResults;

    ScimDiscovery(ScimUserDirectory users, ScimSettings settings, ScimGroupRule groups) {
        this.users = users;
        this.resources = List.of(ScimUsers.SCHEMA, groups.schema());
        this.maxResults = settings.maxResults();
    }

    public ObjectNode serviceProviderConfig() {
        String base = users.base();
        ObjectNode config = ScimJson.object();
        config.putArray("schemas").add("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig");
        config.putObject("patch").put("supported", true);
        config.putObject("bulk").put("supported", false).put("maxOperations", 0).put("maxPayloadSize", 0);
        config.putObject("filter").put("supported", true).put("maxResults", maxResults);
        config.putObject("changePassword").put("supported", false);
        config.putObject("sort").put("supported", true);
        config.putObject("etag").put("supported", true);
        config.putArray("authenticationSchemes")
                .addObject()
                .put("type", "oauthbearertoken")
                .put("name", "SCIM client token")
                .put(
                        "description",
                        "Authorization: Bearer <token> with the token POST /v1/scim-clients answered (once).")
                .put("primary", true);
        ObjectNode meta = config.putObject("meta");
        meta.put("resourceType", "ServiceProviderConfig");
        meta.put("location", base + "/ServiceProviderConfig");
        return config;
    }

    public ObjectNode resourceTypes() {
        String base = users.base();
        ArrayNode items = ScimJson.nodes().arrayNode();
        resources.forEach(r -> items.add(r.resourceType(base)));
        return list(items);
    }

    public ObjectNode resourceType(String name) {
        for (ResourceSchema resource : resources) {
            if (resource.name.equals(name)) {
                return resource.resourceType(users.base());
            }
        }
        throw ScimError.notFound("There is no resource type " + name + ".");
    }

    public ObjectNode schemas() {
        String base = users.base();
        ArrayNode items = ScimJson.nodes().arrayNode();
        resources.forEach(r -> r.schemas().forEach(s -> items.add(s.toJson(base))));
        return list(items);
    }

    public ObjectNode schema(String id) {
        for (ResourceSchema resource : resources) {
            for (ResourceSchema.Definition schema : resource.schemas()) {
                if (schema.id().equals(id)) {
                    return schema.toJson(users.base());
                }
            }
        }
        throw ScimError.notFound("There is no schema " + id + ".");
    }

    private static ObjectNode list(ArrayNode items) {
        ObjectNode list = ScimJson.object();
        list.putArray("schemas").add(ScimJson.LIST_RESPONSE);
        list.put("totalResults", items.size());
        list.put("startIndex", 1);
        list.put("itemsPerPage", items.size());
        list.set("Resources", items);
        return list;
    }
}
