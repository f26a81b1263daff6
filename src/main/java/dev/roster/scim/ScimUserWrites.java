package dev.roster.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.utils.JsonUtils;
import dev.roster.connectors.UpstreamUser;
import dev.roster.scim.ScimUserDirectory.Found;
import dev.roster.sync.SyncOutcome;
import dev.roster.sync.UserSync;
import java.io.IOException;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The write side of {@code /scim/v2/Users}: create, replace, patch, delete, each one transaction through {@link
 * UserSync} (its guards, audit rows naming the SCIM client, cache invalidation, change-feed events with origin
 * upstream). See docs/provisioning.md, "Writes".
 *
 * <p>The identity rule: a SCIM user is the upstream's user whose id is its {@code externalId} (or, without one, its
 * {@code userName}), under the upstream's provider name. A user who signed in before being provisioned is therefore
 * the same user: a create finds them and takes them into the client's view, unless someone else's view already holds
 * them ({@code 409 uniqueness}). The upstream id never changes afterwards ({@code 400 mutability}).
 */
@Service
public class ScimUserWrites {

    private final ScimUserRows rows;
    private final ScimUserDirectory directory;
    private final UserSync sync;

    ScimUserWrites(ScimUserRows rows, ScimUserDirectory directory, UserSync sync) {
        this.rows = rows;
        this.directory = directory;
        this.sync = sync;
    }

    /** {@code POST /Users}: the created user (or the signed-in user taken into the client's view). */
    @Transactional
    public Found create(ScimCaller caller, byte[] body) {
        JsonNode resource = read(body);
        if (!resource.isObject()) {
            throw ScimError.invalidSyntax("A User is a JSON object.");
        }
        String userName = ScimUserMapping.text(resource, "userName");
        if (userName == null) {
            throw ScimError.invalidValue("'userName' is required.");
        }
        String externalId = Objects.requireNonNullElse(ScimUserMapping.externalId(resource), userName);
        String provider = sync.provider();
        ScimUserRows.Identity existing =
                rows.identity(caller, provider, externalId).orElse(null);
        if (existing != null && (existing.visible() || existing.elsewhere())) {
            throw new ScimError(
                    409, "uniqueness", "A user with externalId (or userName) '" + externalId + "' exists already.");
        }
        if (rows.userNameTaken(caller, userName, existing == null ? new UUID(0, 0) : existing.id())) {
            throw new ScimError(409, "uniqueness", "A user with userName '" + userName + "' exists already.");
        }
        UpstreamUser user = ScimUserMapping.upstream(
                resource, externalId, existing == null ? null : existing.email(), manager(caller, provider), true);
        UUID id = apply(user, caller);
        rows.recordProvisioned(caller, id);
        return found(caller, id);
    }

    /** {@code PUT /Users/{id}}: the whole user replaced by {@code body}. */
    @Transactional
    public Found replace(ScimCaller caller, String id, byte[] body, @Nullable String ifMatch) {
        ScimUsers.Row row = lock(caller, id, ifMatch);
        JsonNode resource = read(body);
        if (!resource.isObject()) {
            throw ScimError.invalidSyntax("A User is a JSON object.");
        }
        return update(caller, row, resource);
    }

    /** {@code PATCH /Users/{id}}: {@code body}'s operations applied to the user as SCIM shows it. */
    @Transactional
    public Found patch(ScimCaller caller, String id, byte[] body, @Nullable String ifMatch) {
        ScimUsers.Row row = lock(caller, id, ifMatch);
        var operations = ScimPatch.operations(read(body), ScimUserMapping::stored);
        ObjectNode resource = ScimUsers.resource(row, directory.base());
        ScimPatch.apply(resource, operations);
        return update(caller, row, resource);
    }

    /**
     * {@code DELETE /Users/{id}}: the user deprovisioned (deactivated, memberships kept for audit and a return) and no
     * longer the client's own; a member of the client's tenants still shows, inactive.
     */
    @Transactional
    public void delete(ScimCaller caller, String id, @Nullable String ifMatch) {
        ScimUsers.Row row = lock(caller, id, ifMatch);
        UserSync.Result result = sync.deprovision(row.id(), caller.actor());
        if (result.outcome() == SyncOutcome.REFUSED) {
            throw refused(result);
        }
        rows.forgetProvisioned(caller, row.id());
    }

    private Found update(ScimCaller caller, ScimUsers.Row row, JsonNode resource) {
        String externalId = ScimUserMapping.externalId(resource);
        if (externalId != null && !externalId.equals(row.externalId())) {
            throw new ScimError(
                    400,
                    "mutability",
                    "externalId is the user's id at the upstream and cannot change (it is '" + row.externalId()
                            + "').");
        }
        String userName = ScimUserMapping.text(resource, "userName");
        if (userName != null && rows.userNameTaken(caller, userName, row.id())) {
            throw new ScimError(409, "uniqueness", "A user with userName '" + userName + "' exists already.");
        }
        UpstreamUser user = ScimUserMapping.upstream(
                resource, row.externalId(), row.email(), manager(caller, sync.provider()), null);
        apply(keepHiddenManager(row, user), caller);
        return found(caller, row.id());
    }

    /**
     * A manager the client does not see (someone outside its view, or not in Roster yet) is none of its business: a
     * PUT or PATCH that names no manager leaves that one as it is, rather than clearing what the client never saw.
     */
    private UpstreamUser keepHiddenManager(ScimUsers.Row row, UpstreamUser user) {
        UpstreamUser.Organization org = user.organization();
        if (row.reportsToId() != null || org == null || org.reportsToExternalId() != null) {
            return user;
        }
        String hidden = rows.storedManagerOf(row.id()).orElse(null);
        if (hidden == null) {
            return user;
        }
        var kept = new UpstreamUser.Organization(
                org.positionTitle(),
                org.division(),
                org.department(),
                org.section(),
                org.customTeam(),
                org.hierarchyLevel(),
                hidden,
                org.leader());
        return new UpstreamUser(
                user.externalId(),
                user.email(),
                user.emailVerified(),
                user.username(),
                user.firstName(),
                user.lastName(),
                user.middleName(),
                user.displayName(),
                user.image(),
                kept,
                user.active(),
                user.roles());
    }

    private UUID apply(UpstreamUser user, ScimCaller caller) {
        UserSync.Result result = sync.provision(user, caller.actor());
        if (result.outcome() == SyncOutcome.REFUSED) {
            throw refused(result);
        }
        return result.userId();
    }

    /** A guard refused (many deactivations within the hour: an outage, not departures): try again later. */
    private static ScimError refused(UserSync.Result result) {
        return new ScimError(
                503,
                null,
                "Roster holds this deactivation back: "
                        + Objects.requireNonNullElse(result.detail(), "a guard refused it")
                        + ". An operator can review it (docs/sync.md, 'Guards').");
    }

    /** The manager's upstream id from their Roster id (a user of the client's view), else from their upstream id. */
    private java.util.function.Function<String, @Nullable String> manager(ScimCaller caller, String provider) {
        return value -> {
            UUID managerId = SqlFilter.uuid(value);
            if (managerId != null) {
                String external = rows.externalIdOf(caller, provider, managerId).orElse(null);
                if (external != null) {
                    return external;
                }
            }
            return rows.identity(caller, provider, value).isPresent() ? value : null;
        };
    }

    private ScimUsers.Row lock(ScimCaller caller, String id, @Nullable String ifMatch) {
        UUID uuid = SqlFilter.uuid(id);
        ScimUsers.Row row = uuid == null ? null : rows.lock(caller, uuid).orElse(null);
        if (row == null) {
            throw ScimError.notFound("There is no user " + id + ".");
        }
        // A user is one person across Roster: their profile and activity are the client's to change only when all of
        // them is in its tenants. Deactivating someone who also works in a tenant the client does not manage would
        // change that tenant too.
        if (rows.beyond(caller, row.id())) {
            throw new ScimError(
                    403,
                    null,
                    "User " + id + " also belongs to tenants this client does not provision; change them there, or"
                            + " have a platform admin do it.");
        }
        if (ifMatch != null && !ScimUsers.matches(ifMatch, ScimUsers.version(row))) {
            throw new ScimError(
                    412, null, "The user has changed since that version; it is now " + ScimUsers.version(row) + ".");
        }
        return row;
    }

    private Found found(ScimCaller caller, UUID id) {
        ScimUsers.Row row = rows.find(caller, id)
                .orElseThrow(() -> new IllegalStateException("a user just written is in the writer's view"));
        return new Found(ScimUsers.resource(row, directory.base()), ScimUsers.version(row));
    }

    private static JsonNode read(byte[] body) {
        if (body.length == 0) {
            throw ScimError.invalidSyntax("The request needs a JSON body.");
        }
        try {
            JsonNode node = JsonUtils.getObjectReader().readTree(body);
            if (node == null || node.isMissingNode()) {
                throw ScimError.invalidSyntax("The request needs a JSON body.");
            }
            return node;
        } catch (IOException e) {
            throw ScimError.invalidSyntax("The request body is not valid JSON.");
        }
    }
}
