package dev.roster.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.scim2.common.Path;
import dev.roster.connectors.UpstreamUser;
import dev.roster.connectors.UpstreamUser.Organization;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A SCIM User as the upstream's statement of a user: the attributes of {@link ScimUsers} mapped back onto {@link
 * UpstreamUser} (profile, organization, activity; never roles). Lenient where provisioners are (attribute names in
 * any case, booleans and integers as strings), strict about types otherwise: a value of the wrong type is {@code 400
 * invalidValue}, never a 500.
 */
final class ScimUserMapping {

    /** The longest text Roster keeps in a profile field. */
    static final int MAX_TEXT = 1024;

    private static final Set<String> CORE =
            Set.of("username", "name", "displayname", "title", "active", "emails", "photos", "externalid");
    private static final Set<String> ENTERPRISE = Set.of("division", "department", "manager");
    private static final Set<String> ROSTER = Set.of("section", "customteam", "hierarchylevel", "isleader");

    private ScimUserMapping() {}

    /** Whether a PATCH path names an attribute Roster stores (the others are ignored). */
    static boolean stored(Path path) {
        String urn = path.getSchemaUrn();
        if (path.isRoot()) {
            return urn != null
                    && (urn.equalsIgnoreCase(ScimJson.ENTERPRISE_USER_SCHEMA)
                            || urn.equalsIgnoreCase(ScimJson.ROSTER_USER_SCHEMA));
        }
        String attribute = path.getElement(0).getAttribute().toLowerCase(Locale.ROOT);
        if (urn == null || urn.equalsIgnoreCase(ScimJson.USER_SCHEMA)) {
            return CORE.contains(attribute);
        }
        if (urn.equalsIgnoreCase(ScimJson.ENTERPRISE_USER_SCHEMA)) {
            return ENTERPRISE.contains(attribute);
        }
        if (urn.equalsIgnoreCase(ScimJson.ROSTER_USER_SCHEMA)) {
            return ROSTER.contains(attribute);
        }
        return false;
    }

    /**
     * The user {@code resource} describes, known upstream as {@code externalId}. {@code storedEmail} stands in when the
     * resource has no address and its userName is none ({@code null}: the address is then required). {@code
     * managerExternalId} resolves the enterprise manager's {@code value} (a Roster id) to the manager's upstream id;
     * null when it names nobody Roster knows. {@code defaultActive}: the activity when the resource says nothing.
     */
    static UpstreamUser upstream(
            JsonNode resource,
            String externalId,
            @Nullable String storedEmail,
            Function<String, @Nullable String> managerExternalId,
            @Nullable Boolean defaultActive) {
        String userName = text(resource, "userName");
        if (userName == null) {
            throw ScimError.invalidValue("'userName' is required.");
        }
        JsonNode name = object(resource, "name");
        String email = email(resource);
        if (email == null) {
            email = userName.contains("@") ? userName : storedEmail;
        }
        if (email == null) {
            throw ScimError.invalidValue("Roster needs an address: give 'emails' (or a userName that is one).");
        }
        JsonNode enterprise = object(resource, ScimJson.ENTERPRISE_USER_SCHEMA);
        JsonNode roster = object(resource, ScimJson.ROSTER_USER_SCHEMA);
        String manager = manager(enterprise);
        Boolean active = bool(resource, "active");
        return new UpstreamUser(
                externalId,
                email,
                false,
                userName,
                text(name, "givenName"),
                text(name, "familyName"),
                text(name, "middleName"),
                text(resource, "displayName"),
                multiValue(resource, "photos"),
                new Organization(
                        text(resource, "title"),
                        text(enterprise, "division"),
                        text(enterprise, "department"),
                        text(roster, "section"),
                        text(roster, "customTeam"),
                        integer(roster, "hierarchyLevel"),
                        manager == null ? null : managerExternalId.apply(manager),
                        bool(roster, "isLeader")),
                active != null ? active : defaultActive,
                null);
    }

    /** The resource's {@code externalId}, or null when it has none. */
    static @Nullable String externalId(JsonNode resource) {
        return text(resource, "externalId");
    }

    private static @Nullable String email(JsonNode resource) {
        JsonNode emails = ScimPatch.field(resource, "emails");
        if (emails == null || emails.isNull()) {
            return null;
        }
        if (!emails.isArray()) {
            throw ScimError.invalidValue("'emails' must be an array.");
        }
        // The primary one, else the work one, else the first: Roster keeps one address.
        String first = null;
        String work = null;
        for (JsonNode email : emails) {
            if (!email.isObject()) {
                throw ScimError.invalidValue("'emails' holds objects.");
            }
            String value = text(email, "value");
            if (value == null) {
                continue;
            }
            if (Boolean.TRUE.equals(bool(email, "primary"))) {
                return value;
            }
            if (work == null && "work".equalsIgnoreCase(text(email, "type"))) {
                work = value;
            }
            if (first == null) {
                first = value;
            }
        }
        return work != null ? work : first;
    }

    private static @Nullable String multiValue(JsonNode resource, String attribute) {
        JsonNode values = ScimPatch.field(resource, attribute);
        if (values == null || values.isNull()) {
            return null;
        }
        if (!values.isArray()) {
            throw ScimError.invalidValue("'" + attribute + "' must be an array.");
        }
        String first = null;
        for (JsonNode v : values) {
            String value = v.isObject() ? text(v, "value") : null;
            if (value != null && Boolean.TRUE.equals(bool(v, "primary"))) {
                return value;
            }
            if (first == null) {
                first = value;
            }
        }
        return first;
    }

    /** The manager's {@code value}: an object's (the schema's shape) or a bare string (as Entra ID sends it). */
    private static @Nullable String manager(JsonNode enterprise) {
        JsonNode manager = ScimPatch.field(enterprise, "manager");
        if (manager == null || manager.isNull()) {
            return null;
        }
        if (manager.isTextual()) {
            return manager.asText().isBlank() ? null : manager.asText();
        }
        if (!manager.isObject()) {
            throw ScimError.invalidValue("'manager' must be an object with a 'value'.");
        }
        return text(manager, "value");
    }

    private static JsonNode object(JsonNode node, String field) {
        JsonNode value = ScimPatch.field(node, field);
        if (value == null || value.isNull()) {
            return ScimJson.object();
        }
        if (!value.isObject()) {
            throw ScimError.invalidValue("'" + field + "' must be an object.");
        }
        return value;
    }

    /** A string attribute; blank counts as absent. */
    static @Nullable String text(JsonNode node, String field) {
        JsonNode value = ScimPatch.field(node, field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ScimError.invalidValue("'" + field + "' must be a string.");
        }
        String text = value.asText().strip();
        if (text.length() > MAX_TEXT) {
            throw ScimError.invalidValue("'" + field + "' is longer than " + MAX_TEXT + " characters.");
        }
        return text.isEmpty() ? null : text;
    }

    /** A boolean, or a string saying one in any case ({@code "False"}: Entra ID). */
    static @Nullable Boolean bool(JsonNode node, String field) {
        JsonNode value = ScimPatch.field(node, field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual()) {
            String text = value.asText().strip();
            if (text.equalsIgnoreCase("true")) {
                return true;
            }
            if (text.equalsIgnoreCase("false")) {
                return false;
            }
        }
        throw ScimError.invalidValue("'" + field + "' must be a boolean.");
    }

    private static @Nullable Integer integer(JsonNode node, String field) {
        JsonNode value = ScimPatch.field(node, field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isInt()) {
            return value.intValue();
        }
        if (value.isTextual()) {
            try {
                return Integer.valueOf(value.asText().strip());
            } catch (NumberFormatException e) {
                // answered below
            }
        }
        throw ScimError.invalidValue("'" + field + "' must be an integer.");
    }
}
