package dev.roster.scim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The read side of {@code /scim/v2/Groups} ({@link ScimGroups} has the rule): one group, and lists with filter,
 * sort, pagination and attribute selection, within the client's tenants. Members are read only when the answer
 * shows them ({@code excludedAttributes=members} spares reading them), and an answer lists at most
 * {@code roster.scim.max-group-members} of them (all its groups together): beyond that it is refused, never cut short.
 */
@Service
public class ScimGroupDirectory {

    private final ScimGroupRows rows;
    private final ScimUserDirectory users;
    private final int maxResults;
    private final int maxMembers;
    private final ScimStatementTimeout timeout;
    private final ResourceSchema schema;

    ScimGroupDirectory(
            ScimGroupRows rows,
            ScimUserDirectory users,
            ScimSettings settings,
            ScimStatementTimeout timeout,
            ScimGroupRule rule) {
        this.rows = rows;
        this.schema = rule.schema();
        this.timeout = timeout;
        this.users = users;
        this.maxResults = settings.maxResults();
        this.maxMembers = settings.maxGroupMembers();
    }

    @Transactional(readOnly = true)
    public ObjectNode get(
            ScimCaller caller, String id, @Nullable String attributes, @Nullable String excludedAttributes) {
        Projection projection = Projection.of(schema, attributes, excludedAttributes);
        UUID[] ids = ScimGroups.parseId(id);
        ScimGroups.Row row = ids == null
                ? null
                : rows.find(caller.tenantIds(), ids[0], ids[1]).orElse(null);
        if (row == null) {
            throw ScimError.notFound("There is no group " + id + ".");
        }
        return resource(row, projection, users.base(), new int[] {maxMembers});
    }

    @Transactional(readOnly = true)
    public ObjectNode list(ScimCaller caller, ScimQuery query) {
        Projection projection = Projection.of(schema, query.attributes(), query.excludedAttributes());
        SqlFilter.Condition filter = SqlFilter.of(schema, query.filter());
        timeout.apply();
        String orderBy = query.orderBy(schema, "t.id");
        boolean descending = query.descending();
        int startIndex = query.firstIndex();
        int count = query.pageSize(maxResults);
        List<UUID> tenants = caller.tenantIds();
        long total = tenants.isEmpty() ? 0 : rows.count(tenants, filter);
        List<ScimGroups.Row> page = count == 0 || tenants.isEmpty() || startIndex > total
                ? List.of()
                : rows.page(tenants, filter, orderBy, descending, startIndex - 1, count);
        String base = users.base();
        int[] budget = {maxMembers};
        return ScimQuery.listResponse(
                total,
                startIndex,
                page.stream()
                        .map(row -> resource(row, projection, base, budget))
                        .toList());
    }

    /** The group as the projection shows it; its members count against what is left of the answer's {@code budget}. */
    private ObjectNode resource(ScimGroups.Row row, Projection projection, String base, int[] budget) {
        List<ScimGroups.Member> members = null;
        if (projection.returns("members")) {
            members = rows.members(row.tenantId(), row.roleId(), budget[0] + 1);
            if (members.size() > budget[0]) {
                throw ScimError.tooMany("The answer would list more than " + maxMembers + " group members. Ask with"
                        + " excludedAttributes=members, fewer groups per page (count), or check one membership with"
                        + " filter=members[value eq \"<user id>\"].");
            }
            budget[0] -= members.size();
        }
        return projection.apply(ScimGroups.resource(row, members, base));
    }
}
