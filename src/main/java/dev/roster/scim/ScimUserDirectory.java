package dev.roster.scim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roster.platform.PublicUrl;
import java.util.List;
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

    /** One user as answered, with its version (the {@code ETag}). */
    public record Found(ObjectNode resource, String version) {}

    private final ScimUserRows rows;
    private final PublicUrl publicUrl;
    private final int maxResults;
    private final ScimStatementTimeout timeout;

    ScimUserDirectory(ScimUserRows rows, PublicUrl publicUrl, ScimSettings settings, ScimStatementTimeout timeout) {
        this.rows = rows;
        this.timeout = timeout;
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
        ScimUsers.Row row = uuid == null ? null : rows.find(caller, uuid).orElse(null);
        if (row == null) {
            throw ScimError.notFound("There is no user " + id + ".");
        }
        return new Found(projection.apply(ScimUsers.resource(row, base())), ScimUsers.version(row));
    }

    /** A ListResponse; {@code totalResults} is exact. */
    @Transactional(readOnly = true)
    public ObjectNode list(ScimCaller caller, ScimQuery query) {
        Projection projection = Projection.of(ScimUsers.SCHEMA, query.attributes(), query.excludedAttributes());
        SqlFilter.Condition filter = SqlFilter.of(ScimUsers.SCHEMA, query.filter());
        timeout.apply();
        String orderBy = query.orderBy(ScimUsers.SCHEMA, "u.id");
        boolean descending = query.descending();
        int startIndex = query.firstIndex();
        int count = query.pageSize(maxResults);
        List<UUID> tenants = caller.tenantIds();
        long total = tenants.isEmpty() ? 0 : rows.count(caller, filter);
        List<ScimUsers.Row> page = count == 0 || tenants.isEmpty() || startIndex > total
                ? List.of()
                : rows.page(caller, filter, orderBy, descending, startIndex - 1, count);
        String base = base();
        return ScimQuery.listResponse(
                total,
                startIndex,
                page.stream()
                        .map(row -> projection.apply(ScimUsers.resource(row, base)))
                        .toList());
    }
}
