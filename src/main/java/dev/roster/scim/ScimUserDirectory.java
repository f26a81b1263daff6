package dev.roster.scim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import dev.roster.platform.PublicUrl;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The read side of {@code /scim/v2/Users}: one user, and lists with filter, sort, pagination and attribute selection
 * (RFC 7644 §3.4.2), always within the client's tenants. A user outside them is {@code 404}, exactly as one that does
 * not exist, and is never listed or counted.
 */
@Service
public class ScimUserDirectory {

    /** What a list asks for (RFC 7644 §3.4.2). */
    public record Query(
            @Nullable String filter,
            @Nullable String sortBy,
            @Nullable String sortOrder,
            @Nullable Integer startIndex,
            @Nullable Integer count,
            @Nullable String attributes,
            @Nullable String excludedAttributes) {}

    /** One user as answered, with its version (the {@code ETag}). */
    public record Found(ObjectNode resource, String version) {}

    private final ScimUserRows rows;
    private final PublicUrl publicUrl;
    private final int maxResults;

    ScimUserDirectory(ScimUserRows rows, PublicUrl publicUrl, ScimSettings settings) {
        this.rows = rows;
        this.publicUrl = publicUrl;
        this.maxResults = settings.maxResults();
    }

    /** The SCIM base URL, {@code <public URL>/scim/v2}. */
    public String base() {
        return publicUrl.get() + "/scim/v2";
    }

    @Transactional(readOnly = true)
    public Found get(ScimCaller caller, String id, @Nullable String attributes, @Nullable String excludedAttributes) {
        Projection projection = Projection.of(ScimUsers.SCHEMA, attributes, excludedAttributes);
        UUID uuid = SqlFilter.uuid(id);
        ScimUsers.Row row =
                uuid == null ? null : rows.find(caller.tenantIds(), uuid).orElse(null);
        if (row == null) {
            throw ScimError.notFound("There is no user " + id + ".");
        }
        return new Found(projection.apply(ScimUsers.resource(row, base())), ScimUsers.version(row));
    }

    /**
     * A ListResponse. {@code startIndex} below 1 counts as 1 and {@code count} below 0 as 0 (RFC 7644 §3.4.2.4); a
     * {@code count} above {@code ROSTER_SCIM_MAX_RESULTS}, or none, is that maximum. {@code totalResults} is exact.
     */
    @Transactional(readOnly = true)
    public ObjectNode list(ScimCaller caller, Query query) {
        Projection projection = Projection.of(ScimUsers.SCHEMA, query.attributes(), query.excludedAttributes());
        SqlFilter.Condition filter = SqlFilter.of(ScimUsers.SCHEMA, query.filter());
        String orderBy = orderBy(query.sortBy());
        boolean descending = descending(query.sortOrder());
        int startIndex = query.startIndex() == null ? 1 : Math.max(1, query.startIndex());
        int count = query.count() == null ? maxResults : Math.clamp(query.count(), 0, maxResults);
        List<UUID> tenants = caller.tenantIds();
        long total = tenants.isEmpty() ? 0 : rows.count(tenants, filter);
        List<ScimUsers.Row> page = count == 0 || tenants.isEmpty() || startIndex > total
                ? List.of()
                : rows.page(tenants, filter, orderBy, descending, startIndex - 1, count);
        String base = base();
        ObjectNode list = ScimJson.object();
        list.putArray("schemas").add(ScimJson.LIST_RESPONSE);
        list.put("totalResults", total);
        list.put("startIndex", startIndex);
        list.put("itemsPerPage", page.size());
        ArrayNode resources = list.putArray("Resources");
        for (ScimUsers.Row row : page) {
            resources.add(projection.apply(ScimUsers.resource(row, base)));
        }
        return list;
    }

    private static String orderBy(@Nullable String sortBy) {
        if (sortBy == null || sortBy.isBlank()) {
            return "u.id";
        }
        Path path;
        try {
            path = Path.fromString(sortBy.trim());
        } catch (BadRequestException e) {
            throw ScimError.invalidValue("'sortBy' is not an attribute name: " + e.getMessage());
        }
        ResourceSchema.Resolved resolved;
        try {
            resolved = ScimUsers.SCHEMA.resolve(path);
        } catch (ScimError e) {
            throw ScimError.invalidValue("'sortBy': " + e.getMessage());
        }
        if (resolved.valueFilter() != null) {
            throw ScimError.invalidValue("'sortBy' takes an attribute name, without a value filter.");
        }
        return resolved.attribute().comparable();
    }

    private static boolean descending(@Nullable String sortOrder) {
        if (sortOrder == null || sortOrder.isBlank()) {
            return false;
        }
        return switch (sortOrder.toLowerCase(Locale.ROOT)) {
            case "ascending" -> false;
            case "descending" -> true;
            default -> throw ScimError.invalidValue("'sortOrder' is 'ascending' or 'descending'.");
        };
    }
}
