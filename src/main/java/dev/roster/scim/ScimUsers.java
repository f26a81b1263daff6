package dev.roster.scim;

import static dev.roster.scim.ScimAttribute.Type.BOOLEAN;
import static dev.roster.scim.ScimAttribute.Type.DATETIME;
import static dev.roster.scim.ScimAttribute.Type.ID;
import static dev.roster.scim.ScimAttribute.Type.INTEGER;
import static dev.roster.scim.ScimAttribute.Type.REFERENCE;
import static dev.roster.scim.ScimAttribute.Type.STRING;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * How a Roster user is a SCIM User (RFC 7643 §4.1, the enterprise extension of §4.3, and Roster's own extension for
 * the profile fields neither has): the schema {@code /Schemas} serves, the columns filters and {@code sortBy} reach,
 * and the resource a row becomes. docs/provisioning.md has the same mapping as a table; the SCIM writes map back
 * through the same attributes.
 *
 * <p>Every expression here is over {@code users u}.
 */
public final class ScimUsers {

    /** A user's row, as SCIM reads it. */
    public record Row(
            UUID id,
            String externalId,
            @Nullable String username,
            String email,
            @Nullable String firstName,
            @Nullable String middleName,
            @Nullable String lastName,
            @Nullable String displayName,
            @Nullable String image,
            @Nullable String positionTitle,
            @Nullable String division,
            @Nullable String department,
            @Nullable String section,
            @Nullable String customTeam,
            @Nullable Integer hierarchyLevel,
            boolean isLeader,
            @Nullable UUID reportsToId,
            boolean isActive,
            Instant createdAt,
            Instant updatedAt) {

        /** SCIM's userName: the username, or the email when Roster has none. */
        public String userName() {
            return username != null ? username : email;
        }
    }

    /** The columns {@link Row} is read from. */
    // The manager only when the client sees them too: a user's manager may be someone of another tenant, whose id is
    // none of this client's business — not shown, and neither filtered nor sorted by, which would spell it out one
    // character at a time (two primary-key probes per row that has one).
    private static final String VISIBLE_MANAGER = """
            (CASE WHEN EXISTS (SELECT 1 FROM memberships mm
                               WHERE mm.user_id = u.reports_to_id AND mm.tenant_id = ANY(:tenants))
                    OR EXISTS (SELECT 1 FROM scim_provisioned_users mp
                               WHERE mp.scim_client_id = :client AND mp.user_id = u.reports_to_id)
                  THEN u.reports_to_id END)""";

    static final String COLUMNS = """
            u.id, u.external_id, u.username, u.email, u.first_name, u.middle_name, u.last_name, u.display_name,
            u.image, u.position_title, u.division, u.department, u.section, u.custom_team, u.hierarchy_level,
            u.is_leader, u.is_active, u.created_at, u.updated_at, %s AS reports_to_id""".formatted(VISIBLE_MANAGER);

    static final ResourceSchema SCHEMA = new ResourceSchema(
            "User",
            "/Users",
            new ResourceSchema.Definition(
                    ScimJson.USER_SCHEMA,
                    "User",
                    "A person of the client's tenants.",
                    List.of(
                            ScimAttribute.of(
                                            "userName",
                                            STRING,
                                            "coalesce(u.username, u.email)",
                                            "Roster's username; the email when the user has none.")
                                    .requiredAndUnique("none"),
                            ScimAttribute.complex(
                                    "name",
                                    false,
                                    "The components of the user's name.",
                                    ScimAttribute.of("givenName", STRING, "u.first_name", "First name."),
                                    ScimAttribute.of("middleName", STRING, "u.middle_name", "Middle name."),
                                    ScimAttribute.of("familyName", STRING, "u.last_name", "Last name.")),
                            ScimAttribute.of("displayName", STRING, "u.display_name", "The name shown to people."),
                            ScimAttribute.of("title", STRING, "u.position_title", "Position title."),
                            ScimAttribute.of("active", BOOLEAN, "u.is_active", "false: deactivated."),
                            ScimAttribute.complex(
                                    "emails",
                                    true,
                                    "Roster keeps one address per user: the work address, primary.",
                                    ScimAttribute.of("value", STRING, "u.email", "The address."),
                                    ScimAttribute.of("type", STRING, "'work'", "Always \"work\"."),
                                    ScimAttribute.of("primary", BOOLEAN, "true", "Always true.")),
                            ScimAttribute.complex(
                                    "photos",
                                    true,
                                    "Roster keeps one image per user.",
                                    ScimAttribute.of("value", REFERENCE, "u.image", "The image's URL.")
                                            .caseExactly()
                                            .references("external"),
                                    ScimAttribute.of(
                                            "type",
                                            STRING,
                                            "CASE WHEN u.image IS NOT NULL THEN 'photo' END",
                                            "Always \"photo\".")))),
            List.of(
                    new ResourceSchema.Definition(
                            ScimJson.ENTERPRISE_USER_SCHEMA,
                            "EnterpriseUser",
                            "The user's place in the organisation.",
                            List.of(
                                    ScimAttribute.of("division", STRING, "u.division", "Division."),
                                    ScimAttribute.of("department", STRING, "u.department", "Department."),
                                    ScimAttribute.complex(
                                            "manager",
                                            false,
                                            "Whom the user reports to.",
                                            ScimAttribute.of("value", ID, VISIBLE_MANAGER, "The manager's id.")
                                                    .caseExactly(),
                                            new ScimAttribute(
                                                    "$ref",
                                                    REFERENCE,
                                                    false,
                                                    false,
                                                    true,
                                                    "readOnly",
                                                    "default",
                                                    "none",
                                                    "The manager's URL.",
                                                    null,
                                                    List.of(),
                                                    List.of("User"))))),
                    new ResourceSchema.Definition(
                            ScimJson.ROSTER_USER_SCHEMA,
                            "RosterUser",
                            "Roster's profile fields that neither the core nor the enterprise schema has.",
                            List.of(
                                    ScimAttribute.of("section", STRING, "u.section", "Section (below department)."),
                                    ScimAttribute.of("customTeam", STRING, "u.custom_team", "A team of its own."),
                                    ScimAttribute.of(
                                            "hierarchyLevel", INTEGER, "u.hierarchy_level", "Level in the hierarchy."),
                                    ScimAttribute.of("isLeader", BOOLEAN, "u.is_leader", "Whether the user leads.")))),
            List.of(
                    ScimAttribute.of("id", ID, "u.id", "Roster's id of the user.")
                            .caseExactly()
                            .readOnly("always"),
                    ScimAttribute.of("externalId", STRING, "u.external_id", "The upstream's id of the user.")
                            .caseExactly(),
                    ScimAttribute.complex(
                            "meta",
                            false,
                            "Resource metadata.",
                            ScimAttribute.of("created", DATETIME, "u.created_at", "When Roster created the user.")
                                    .readOnly("default"),
                            ScimAttribute.of(
                                            "lastModified",
                                            DATETIME,
                                            "u.updated_at",
                                            "When the user's profile last changed.")
                                    .readOnly("default"))));

    private ScimUsers() {}

    /**
     * The user's version, its {@code ETag} and {@code meta.version}: a weak tag of the instant the profile last
     * changed ({@code users.updated_at}, microseconds), which moves with every change of what this resource shows.
     */
    public static String version(Row row) {
        Instant at = row.updatedAt();
        long micros = Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
        return "W/\"" + micros + "\"";
    }

    /**
     * Whether {@code header} ({@code If-Match} or {@code If-None-Match}) names {@code version}: RFC 9110 §13.1.2, a
     * weak comparison against {@code *} or any tag of the list.
     */
    public static boolean matches(String header, String version) {
        String weak = version.startsWith("W/") ? version.substring(2) : version;
        for (String tag : header.split(",")) {
            String t = tag.trim();
            if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(weak)) {
                return true;
            }
        }
        return false;
    }

    /** The SCIM User {@code row} is; {@code base} is the SCIM base URL ({@code …/scim/v2}). */
    public static ObjectNode resource(Row row, String base) {
        ObjectNode user = ScimJson.object();
        user.putArray("schemas")
                .add(ScimJson.USER_SCHEMA)
                .add(ScimJson.ENTERPRISE_USER_SCHEMA)
                .add(ScimJson.ROSTER_USER_SCHEMA);
        user.put("id", row.id().toString());
        user.put("externalId", row.externalId());
        user.put("userName", row.userName());
        ObjectNode name = ScimJson.object();
        putIfPresent(name, "givenName", row.firstName());
        putIfPresent(name, "middleName", row.middleName());
        putIfPresent(name, "familyName", row.lastName());
        if (!name.isEmpty()) {
            user.set("name", name);
        }
        putIfPresent(user, "displayName", row.displayName());
        putIfPresent(user, "title", row.positionTitle());
        user.put("active", row.isActive());
        user.putArray("emails")
                .addObject()
                .put("value", row.email())
                .put("type", "work")
                .put("primary", true);
        if (row.image() != null) {
            user.putArray("photos").addObject().put("value", row.image()).put("type", "photo");
        }
        ObjectNode enterprise = user.putObject(ScimJson.ENTERPRISE_USER_SCHEMA);
        putIfPresent(enterprise, "division", row.division());
        putIfPresent(enterprise, "department", row.department());
        if (row.reportsToId() != null) {
            enterprise
                    .putObject("manager")
                    .put("value", row.reportsToId().toString())
                    .put("$ref", base + "/Users/" + row.reportsToId());
        }
        ObjectNode roster = user.putObject(ScimJson.ROSTER_USER_SCHEMA);
        putIfPresent(roster, "section", row.section());
        putIfPresent(roster, "customTeam", row.customTeam());
        if (row.hierarchyLevel() != null) {
            roster.put("hierarchyLevel", row.hierarchyLevel());
        }
        roster.put("isLeader", row.isLeader());
        ObjectNode meta = user.putObject("meta");
        meta.put("resourceType", "User");
        meta.put("created", row.createdAt().toString());
        meta.put("lastModified", row.updatedAt().toString());
        meta.put("location", base + "/Users/" + row.id());
        meta.put("version", version(row));
        return user;
    }

    private static void putIfPresent(ObjectNode node, String field, @Nullable String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
