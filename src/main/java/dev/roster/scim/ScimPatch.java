package dev.roster.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.messages.PatchOpType;
import com.unboundid.scim2.common.messages.PatchOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A SCIM PATCH request (RFC 7644 §3.5.2) applied to a resource's JSON by UnboundID's {@link PatchOperation}, after
 * the request has been brought to the RFC's shape from what real provisioners send:
 *
 * <ul>
 *   <li>op names in any case ({@code Add}, {@code Replace}, {@code Remove}: Entra ID);
 *   <li>an {@code add}/{@code replace} without {@code path} whose value names attributes by path ({@code
 *       "name.givenName"}, {@code "urn:…:enterprise:2.0:User:department"}: Entra ID) becomes one operation per
 *       attribute, and a complex value ({@code "name": {…}}, an extension's object) one per sub-attribute, so that
 *       sub-attributes it does not name are left as they are (§3.5.2.3);
 *   <li>operations on attributes the resource type does not store are accepted and ignored (an IdP's default mapping
 *       sends {@code addresses}, {@code phoneNumbers}, …);
 *   <li>a {@code replace} whose value filter matches nothing changes nothing, where the RFC would answer {@code
 *       noTarget} (Entra ID sends {@code emails[type eq "work"].value} whatever the user has).
 * </ul>
 *
 * Booleans sent as strings ({@code "False"}) are left to the mapping back, which reads both.
 */
final class ScimPatch {

    static final String PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    /** Multi-valued attributes: a value for them is never split into sub-attributes. */
    private static final Set<String> MULTI_VALUED = Set.of(
            "emails",
            "photos",
            "phonenumbers",
            "addresses",
            "ims",
            "entitlements",
            "roles",
            "x509certificates",
            "groups",
            "members");

    private ScimPatch() {}

    /** One operation as applied: its type, its path (null: the resource), its value. */
    record Operation(
            PatchOpType type,
            @Nullable String path,
            @Nullable JsonNode value) {}

    /**
     * The request's operations, normalised as above; {@code stored} says which paths the resource stores (the rest
     * are dropped). Bad shapes are {@code 400 invalidSyntax}, bad paths {@code 400 invalidPath}.
     */
    static List<Operation> operations(JsonNode body, java.util.function.Predicate<Path> stored) {
        if (!body.isObject()) {
            throw ScimError.invalidSyntax("A PATCH body is a PatchOp object.");
        }
        JsonNode ops = field(body, "Operations");
        if (ops == null || !ops.isArray() || ops.isEmpty()) {
            throw ScimError.invalidSyntax("A PATCH body needs a non-empty 'Operations' array.");
        }
        if (ops.size() > 1000) {
            throw new ScimError(413, null, "A PATCH may hold at most 1000 operations.");
        }
        List<Operation> result = new ArrayList<>();
        for (JsonNode op : ops) {
            if (!op.isObject()) {
                throw ScimError.invalidSyntax("Each operation is an object with 'op', 'path' and 'value'.");
            }
            JsonNode opName = field(op, "op");
            PatchOpType type = opName == null || !opName.isTextual()
                    ? null
                    : switch (opName.asText().toLowerCase(Locale.ROOT)) {
                        case "add" -> PatchOpType.ADD;
                        case "replace" -> PatchOpType.REPLACE;
                        case "remove" -> PatchOpType.REMOVE;
                        default -> null;
                    };
            if (type == null) {
                throw ScimError.invalidSyntax("'op' must be add, replace or remove.");
            }
            JsonNode pathNode = field(op, "path");
            if (pathNode != null && !pathNode.isNull() && !pathNode.isTextual()) {
                throw new ScimError(400, "invalidPath", "'path' must be a string.");
            }
            String path =
                    pathNode == null || pathNode.isNull() || pathNode.asText().isBlank() ? null : pathNode.asText();
            JsonNode value = field(op, "value");
            if (type == PatchOpType.REMOVE) {
                if (path == null) {
                    throw new ScimError(400, "noTarget", "A remove operation needs a 'path'.");
                }
                add(result, type, path, value, stored);
                continue;
            }
            if (value == null || value.isNull()) {
                throw ScimError.invalidSyntax("An " + type + " operation needs a 'value'.");
            }
            if (path == null) {
                if (!value.isObject()) {
                    throw ScimError.invalidSyntax("An " + type + " without 'path' takes an object as its value.");
                }
                for (Map.Entry<String, JsonNode> e : value.properties()) {
                    if (e.getKey().equalsIgnoreCase("schemas")) {
                        continue;
                    }
                    spread(result, type, e.getKey(), e.getValue(), stored);
                }
            } else {
                spread(result, type, path, value, stored);
            }
        }
        return result;
    }

    /** Applies {@code operations} to {@code resource} in order. */
    static void apply(ObjectNode resource, List<Operation> operations) {
        for (Operation op : operations) {
            try {
                PatchOperation.create(op.type(), op.path() == null ? null : Path.fromString(op.path()), op.value())
                        .apply(resource);
            } catch (ScimException e) {
                String scimType = e.getScimError().getScimType();
                if (op.type() == PatchOpType.REPLACE && "noTarget".equals(scimType)) {
                    continue; // A replace whose filter matches nothing: nothing to change.
                }
                throw new ScimError(
                        400,
                        scimType == null ? "invalidValue" : scimType,
                        "The operation on '" + op.path() + "' cannot be applied: "
                                + e.getScimError().getDetail());
            } catch (RuntimeException e) {
                throw ScimError.invalidValue("The operation on '" + op.path() + "' cannot be applied.");
            }
        }
    }

    /**
     * An add or replace of {@code value} at {@code path}: a complex, single-valued value becomes one operation per
     * sub-attribute (an extension's object: per attribute of the extension).
     */
    private static void spread(
            List<Operation> result,
            PatchOpType type,
            String path,
            JsonNode value,
            java.util.function.Predicate<Path> stored) {
        if (value.isObject() && !path.contains("[") && !MULTI_VALUED.contains(last(path))) {
            boolean urn = path.regionMatches(true, 0, "urn:", 0, 4) && isSchemaUrn(path);
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                spread(result, type, path + (urn ? ":" : ".") + e.getKey(), e.getValue(), stored);
            }
            return;
        }
        add(result, type, path, value, stored);
    }

    private static void add(
            List<Operation> result,
            PatchOpType type,
            String path,
            @Nullable JsonNode value,
            java.util.function.Predicate<Path> stored) {
        Path parsed;
        try {
            parsed = Path.fromString(path);
        } catch (ScimException | RuntimeException e) {
            throw new ScimError(400, "invalidPath", "'" + path + "' is not a valid attribute path.");
        }
        if (parsed.isRoot() && parsed.getSchemaUrn() == null) {
            throw new ScimError(400, "invalidPath", "'" + path + "' is not a valid attribute path.");
        }
        if (stored.test(parsed)) {
            result.add(new Operation(type, path, value));
        }
    }

    /** Whether {@code urn} is a whole schema URN (an extension), not an attribute under one. */
    private static boolean isSchemaUrn(String urn) {
        for (String schema :
                List.of(ScimJson.USER_SCHEMA, ScimJson.ENTERPRISE_USER_SCHEMA, ScimJson.ROSTER_USER_SCHEMA)) {
            if (schema.equalsIgnoreCase(urn)) {
                return true;
            }
        }
        return false;
    }

    private static String last(String path) {
        int colon = path.lastIndexOf(':');
        String tail = colon < 0 ? path : path.substring(colon + 1);
        int dot = tail.lastIndexOf('.');
        return (dot < 0 ? tail : tail.substring(dot + 1)).toLowerCase(Locale.ROOT);
    }

    /** A field by name, case-insensitively (RFC 7643 §2.1). */
    static @Nullable JsonNode field(JsonNode node, String name) {
        JsonNode exact = node.get(name);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** Used by tests and the mapping: an array node of {@code node}, or empty. */
    static ArrayNode array(@Nullable JsonNode node) {
        return node != null && node.isArray()
                ? (ArrayNode) node
                : ScimJson.nodes().arrayNode();
    }
}
