package dev.roster.scim;

import java.util.List;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * The configured rule that makes roles SCIM groups (docs/provisioning.md, "Groups"): a group is one (tenant, role)
 * pair of the client's tenants, named by {@code roster.scim.group-name}, for the roles {@code roster.scim.group-roles}
 * lists ({@code *}: every global role and every tenant's own). A role left out is no group: not listed, not found,
 * not changed through SCIM.
 */
@Component
class ScimGroupRule {

    private final GroupNameTemplate name;
    private final ResourceSchema schema;
    private final String roleCondition;
    private final java.util.Set<String> roles; // empty: all

    ScimGroupRule(ScimSettings settings) {
        this.name = GroupNameTemplate.parse(settings.groupName());
        this.schema = ScimGroups.schema(name);
        // Slugs are [a-z0-9_-] (checked by the settings), so they are written into the SQL as they are.
        boolean all = settings.groupRoles().equals(List.of(ScimSettings.ALL_ROLES));
        this.roles = all ? java.util.Set.of() : java.util.Set.copyOf(settings.groupRoles());
        this.roleCondition = all
                ? "TRUE"
                : "r.slug IN ("
                        + settings.groupRoles().stream().map(s -> "'" + s + "'").collect(Collectors.joining(", "))
                        + ")";
    }

    ResourceSchema schema() {
        return schema;
    }

    /** What a group's name looks like, for messages. */
    String exampleName() {
        return name.format("acme", "developer");
    }

    /** The groups' names as an SQL expression over {@code tenants t} and {@code roles r}. */
    String nameSql() {
        return name.sql();
    }

    /** Whether the role of this slug is a group. */
    boolean includes(String roleSlug) {
        return roles.isEmpty() || roles.contains(roleSlug);
    }

    /** Which roles are groups, as an SQL condition over {@code roles r}. */
    String roleCondition() {
        return roleCondition;
    }
}
