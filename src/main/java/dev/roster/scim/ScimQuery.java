package dev.roster.scim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What a list asks for (RFC 7644 §3.4.2), and how any resource type's list reads it: {@code startIndex} below 1
 * counts as 1 and {@code count} below 0 as 0 (§3.4.2.4); a {@code count} above the maximum, or none, is the maximum.
 */
public record ScimQuery(
        @Nullable String filter,
        @Nullable String sortBy,
        @Nullable String sortOrder,
        @Nullable Integer startIndex,
        @Nullable Integer count,
        @Nullable String attributes,
        @Nullable String excludedAttributes) {

    int firstIndex() {
        return startIndex == null ? 1 : Math.max(1, startIndex);
    }

    int pageSize(int maxResults) {
        return count == null ? maxResults : Math.clamp(count, 0, maxResults);
    }

    /** The SQL expression to order by: {@code sortBy}'s attribute, or {@code byDefault}. */
    String orderBy(ResourceSchema schema, String byDefault) {
        if (sortBy == null || sortBy.isBlank()) {
            return byDefault;
        }
        Path path;
        try {
            path = Path.fromString(sortBy.trim());
        } catch (BadRequestException | RuntimeException e) {
            throw ScimError.invalidValue("'sortBy' is not an attribute name: " + e.getMessage());
        }
        ResourceSchema.Resolved resolved;
        try {
            resolved = schema.resolve(path);
        } catch (ScimError e) {
            throw ScimError.invalidValue("'sortBy': " + e.getMessage());
        }
        if (resolved.valueFilter() != null) {
            throw ScimError.invalidValue("'sortBy' takes an attribute name, without a value filter.");
        }
        if (schema.joinOf(resolved.parent()) != null) {
            throw ScimError.invalidValue(
                    "'sortBy' cannot be '" + sortBy.trim() + "': it has many values per resource.");
        }
        return resolved.attribute().comparable();
    }

    boolean descending() {
        if (sortOrder == null || sortOrder.isBlank()) {
            return false;
        }
        return switch (sortOrder.toLowerCase(Locale.ROOT)) {
            case "ascending" -> false;
            case "descending" -> true;
            default -> throw ScimError.invalidValue("'sortOrder' is 'ascending' or 'descending'.");
        };
    }

    /** A ListResponse of {@code resources}, the page from {@code startIndex} of {@code total}. */
    static ObjectNode listResponse(long total, int startIndex, List<ObjectNode> resources) {
        ObjectNode list = ScimJson.object();
        list.putArray("schemas").add(ScimJson.LIST_RESPONSE);
        list.put("totalResults", total);
        list.put("startIndex", startIndex);
        list.put("itemsPerPage", resources.size());
        ArrayNode items = list.putArray("Resources");
        resources.forEach(items::add);
        return list;
    }
}
