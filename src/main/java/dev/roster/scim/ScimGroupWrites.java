package dev.roster.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.utils.FilterEvaluator;
import com.unboundid.scim2.common.utils.JsonUtils;
import dev.roster.sync.SyncTrigger;
import dev.roster.sync.UpstreamChange;
import dev.roster.sync.UserSync;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The write side of {@code /scim/v2/Groups}: members added and removed. A group's tenant and role are fixed (the rule
 * of {@link ScimGroups}), so the only change a provisioner makes is who holds the role there; each change is one
 * membership through {@link UserSync#applyMembership(UUID, UUID, UUID, SyncTrigger, String)} (a membership assigned in
 * Roster stands; audited as the SCIM client; origin upstream). Since a user holds one role per tenant, adding them to
 * {@code acme/developer} moves them out of {@code acme/viewer}. Creating a group only finds the existing one its
 * {@code displayName} names. See docs/provisioning.md, "Groups".
 */
@Service
public class ScimGroupWrites {

    private final ScimGroupRows groups;
    private final ScimUserRows users;
    private final ScimUserDirectory directory;
    private final UserSync sync;
    private final int maxMembers;
    private final ScimGroupRule rule;

    ScimGroupWrites(
            ScimGroupRows groups,
            ScimUserRows users,
            ScimUserDirectory directory,
            UserSync sync,
            ScimSettings settings,
            ScimGroupRule rule) {
        this.groups = groups;
        this.rule = rule;
        this.users = users;
        this.directory = directory;
        this.sync = sync;
        this.maxMembers = settings.maxGroupMembers();
    }

    /**
     * {@code POST /Groups}: Roster's groups all exist already; a create naming one of the client's ({@code
     * <tenant slug>/<role slug>}) answers it, with the members given added. Any other name is {@code 400}.
     */
    @Transactional
    public ObjectNode create(ScimCaller caller, byte[] body) {
        JsonNode group = read(body);
        String displayName = ScimUserMapping.text(group, "displayName");
        if (displayName == null) {
            throw ScimError.invalidValue("'displayName' is required.");
        }
        ScimGroups.Row row = groups.findByDisplayName(caller.tenantIds(), displayName)
                .orElseThrow(() -> ScimError.invalidValue("Roster's groups are fixed: each is a role of one of this"
                        + " client's tenants, named like '" + rule.exampleName() + "', and there is no '"
                        + displayName + "'."));
        Set<UUID> wanted = memberIds(caller, ScimPatch.field(group, "members"));
        for (UUID user : wanted) {
            put(caller, row, user);
        }
        return resource(row);
    }

    /** {@code PUT /Groups/{id}}: the members become exactly those given; the name cannot change. */
    @Transactional
    public ObjectNode replace(ScimCaller caller, String id, byte[] body) {
        ScimGroups.Row row = find(caller, id);
        JsonNode group = read(body);
        checkName(row, ScimUserMapping.text(group, "displayName"));
        setMembers(caller, row, memberIds(caller, ScimPatch.field(group, "members")));
        return resource(row);
    }

    /**
     * {@code PATCH /Groups/{id}}: {@code add}, {@code replace} and {@code remove} of {@code members}, with or without
     * path, with a value filter ({@code members[value eq "<id>"]}) or the values to remove; op names in any case.
     * Other attributes than {@code members} and an unchanged {@code displayName} are ignored.
     */
    @Transactional
    public ObjectNode patch(ScimCaller caller, String id, byte[] body) {
        ScimGroups.Row row = find(caller, id);
        JsonNode request = read(body);
        JsonNode ops = ScimPatch.field(request, "Operations");
        if (ops == null || !ops.isArray() || ops.isEmpty()) {
            throw ScimError.invalidSyntax("A PATCH body needs a non-empty 'Operations' array.");
        }
        for (JsonNode op : ops) {
            String type = op.isObject() ? ScimUserMapping.text(op, "op") : null;
            type = type == null ? "" : type.toLowerCase(Locale.ROOT);
            if (!Set.of("add", "replace", "remove").contains(type)) {
                throw ScimError.invalidSyntax("'op' must be add, replace or remove.");
            }
            String path = ScimUserMapping.text(op, "path");
            JsonNode value = ScimPatch.field(op, "value");
            if (path == null) {
                if (type.equals("remove")) {
                    throw new ScimError(400, "noTarget", "A remove operation needs a 'path'.");
                }
                if (value == null || !value.isObject()) {
                    throw ScimError.invalidSyntax("An " + type + " without 'path' takes an object as its value.");
                }
                for (Map.Entry<String, JsonNode> e : value.properties()) {
                    apply(caller, row, type, e.getKey(), e.getValue());
                }
            } else {
                apply(caller, row, type, path, value);
            }
        }
        return resource(row);
    }

    private void apply(ScimCaller caller, ScimGroups.Row row, String type, String path, @Nullable JsonNode value) {
        Path parsed;
        try {
            parsed = Path.fromString(path);
        } catch (ScimException | RuntimeException e) {
            throw new ScimError(400, "invalidPath", "'" + path + "' is not a valid attribute path.");
        }
        if (parsed.isRoot()) {
            return;
        }
        String attribute = parsed.getElement(0).getAttribute();
        if (attribute.equalsIgnoreCase("displayName")) {
            if (!type.equals("remove") && value != null && value.isTextual()) {
                checkName(row, value.asText());
            }
            return;
        }
        if (!attribute.equalsIgnoreCase("members")) {
            return; // Not stored on a group (externalId, …): ignored, as on users.
        }
        if (parsed.size() > 1) {
            // members.display, members[value eq "…"].display: a member's attributes are not the group's to change,
            // and removing one is not removing the member.
            throw new ScimError(
                    400,
                    "invalidPath",
                    "A member's attributes are read-only; members are removed by path 'members[value eq \"<id>\"]'.");
        }
        Filter filter = parsed.getElement(0).getValueFilter();
        if (filter != null) {
            if (!type.equals("remove")) {
                throw new ScimError(
                        400, "invalidPath", "Members are added or replaced by path 'members' with their values.");
            }
            for (ScimGroups.Member member : groups.members(row.tenantId(), row.roleId(), Integer.MAX_VALUE)) {
                if (matches(filter, member)) {
                    revoke(caller, row, member.userId());
                }
            }
            return;
        }
        switch (type) {
            case "add" -> {
                for (UUID user : memberIds(caller, value)) {
                    put(caller, row, user);
                }
            }
            case "replace" -> setMembers(caller, row, memberIds(caller, value));
            default -> {
                if (value == null || value.isNull()) {
                    setMembers(caller, row, Set.of());
                } else {
                    Set<UUID> held = heldBy(row);
                    for (UUID user : memberIds(caller, value)) {
                        if (held.contains(user)) {
                            revoke(caller, row, user);
                        }
                    }
                }
            }
        }
    }

    private void setMembers(ScimCaller caller, ScimGroups.Row row, Set<UUID> wanted) {
        for (UUID held : heldBy(row)) {
            if (!wanted.contains(held)) {
                revoke(caller, row, held);
            }
        }
        for (UUID user : wanted) {
            put(caller, row, user);
        }
    }

    private void put(ScimCaller caller, ScimGroups.Row row, UUID user) {
        // One role per tenant: joining this group ends the one held there. Not one SCIM does not manage, though
        // (ROSTER_SCIM_GROUP_ROLES): a tenant admin is not demoted by an IdP that cannot see that role.
        String held = groups.roleOf(user, row.tenantId()).orElse(null);
        if (held != null && !held.equals(row.roleSlug()) && !rule.includes(held)) {
            throw new ScimError(
                    400,
                    "mutability",
                    "User " + user + " holds role '" + held + "' in this tenant, which is not a SCIM group here;"
                            + " an administrator of Roster changes it.");
        }
        UpstreamChange change =
                sync.applyMembership(user, row.tenantId(), row.roleId(), SyncTrigger.SCIM, caller.actor());
        refuseIfRefused(change);
    }

    private void revoke(ScimCaller caller, ScimGroups.Row row, UUID user) {
        refuseIfRefused(sync.applyMembership(user, row.tenantId(), null, SyncTrigger.SCIM, caller.actor()));
    }

    private static void refuseIfRefused(UpstreamChange change) {
        if (change.outcome() == dev.roster.sync.SyncOutcome.REFUSED) {
            throw ScimError.invalidValue("Roster refused the membership: " + change.detail() + ".");
        }
    }

    private Set<UUID> heldBy(ScimGroups.Row row) {
        Set<UUID> held = new LinkedHashSet<>();
        for (ScimGroups.Member m : groups.members(row.tenantId(), row.roleId(), Integer.MAX_VALUE)) {
            held.add(m.userId());
        }
        return held;
    }

    /** The users {@code value} names ({@code [{"value": "<user id>"}, …]}, or one such object): each in the view. */
    private Set<UUID> memberIds(ScimCaller caller, @Nullable JsonNode value) {
        Set<UUID> ids = new LinkedHashSet<>();
        if (value == null || value.isNull()) {
            return ids;
        }
        List<JsonNode> members = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(members::add);
        } else {
            members.add(value);
        }
        if (members.size() > 10_000) {
            throw new ScimError(413, null, "At most 10,000 members per request.");
        }
        for (JsonNode member : members) {
            if (!member.isObject()) {
                throw ScimError.invalidValue("Members are objects with a 'value', the user's id.");
            }
            String id = ScimUserMapping.text(member, "value");
            UUID user = id == null ? null : SqlFilter.uuid(id);
            if (user == null || users.find(caller, user).isEmpty()) {
                throw ScimError.invalidValue("There is no user " + id + " to be a member.");
            }
            ids.add(user);
        }
        return ids;
    }

    private static boolean matches(Filter filter, ScimGroups.Member member) {
        ObjectNode node = ScimJson.object()
                .put("value", member.userId().toString())
                .put("display", member.userName())
                .put("type", "User");
        try {
            return FilterEvaluator.evaluate(filter, node);
        } catch (ScimException e) {
            throw ScimError.invalidFilter("The members filter cannot be evaluated: " + e.getMessage());
        }
    }

    private static void checkName(ScimGroups.Row row, @Nullable String displayName) {
        if (displayName != null && !displayName.equalsIgnoreCase(row.displayName())) {
            throw new ScimError(
                    400,
                    "mutability",
                    "A group's name is its tenant and role ('" + row.displayName() + "') and cannot change.");
        }
    }

    private ScimGroups.Row find(ScimCaller caller, String id) {
        UUID[] ids = ScimGroups.parseId(id);
        ScimGroups.Row row = ids == null
                ? null
                : groups.find(caller.tenantIds(), ids[0], ids[1]).orElse(null);
        if (row == null) {
            throw ScimError.notFound("There is no group " + id + ".");
        }
        return row;
    }

    /**
     * The group as changed, with its members up to {@code roster.scim.max-group-members}; a larger group's answer
     * leaves {@code members} out (the change is made: a write is never answered with an error after it).
     */
    private ObjectNode resource(ScimGroups.Row row) {
        List<ScimGroups.Member> members = groups.members(row.tenantId(), row.roleId(), maxMembers + 1);
        return ScimGroups.resource(row, members.size() > maxMembers ? null : members, directory.base());
    }

    private static JsonNode read(byte[] body) {
        if (body.length == 0) {
            throw ScimError.invalidSyntax("The request needs a JSON body.");
        }
        try {
            JsonNode node = JsonUtils.getObjectReader().readTree(body);
            if (node == null || !node.isObject()) {
                throw ScimError.invalidSyntax("The request body is a JSON object.");
            }
            return node;
        } catch (IOException e) {
            throw ScimError.invalidSyntax("The request body is not valid JSON.");
        }
    }
}
