package dev.roster.demo;

import dev.roster.demo.DirectoryUser.Grant;
import dev.roster.demo.DirectoryUser.On;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The people and organizations the demo upstream starts with: enough for the quickstart to show a user with roles
 * across tenants, a small reporting line, and one user without any role. {@link DemoDirectorySeed} writes them to
 * the directory table at every start-up; from then on the table is the authority.
 */
final class DemoDirectory {

    static final On ACME = new On("acme", "Acme Corp");
    static final On GLOBEX = new On("globex", "Globex");
    static final On INITECH = new On("initech", "Initech");

    private static final Map<String, On> TENANTS = List.of(ACME, GLOBEX, INITECH).stream()
            .collect(Collectors.toUnmodifiableMap(On::tenant, Function.identity()));

    static final List<DirectoryUser> PEOPLE = List.of(
            person(
                    "alice@example.com",
                    "Alice",
                    "Anderson",
                    "Engineering Manager",
                    "Engineering",
                    "Platform",
                    "Identity",
                    "Roster",
                    2,
                    null,
                    true,
                    new Grant("tenant_admin", ACME),
                    new Grant("developer", GLOBEX),
                    new Grant("viewer", INITECH)),
            person(
                    "bob@example.com",
                    "Bob",
                    "Brown",
                    "Software Engineer",
                    "Engineering",
                    "Platform",
                    "Identity",
                    "Roster",
                    3,
                    "demo-alice",
                    false,
                    new Grant("developer", ACME)),
            person(
                    "carol@example.com",
                    "Carol",
                    "Chen",
                    "Site Reliability Engineer",
                    "Engineering",
                    "Platform",
                    "Operations",
                    null,
                    3,
                    "demo-alice",
                    false,
                    new Grant("operator", GLOBEX),
                    new Grant("viewer", ACME),
                    new Grant("developer", ACME)),
            person(
                    "dave@example.com",
                    "Dave",
                    "Diaz",
                    "Account Executive",
                    "Sales",
                    "EMEA",
                    null,
                    null,
                    3,
                    null,
                    false),
            // A platform admin: ROSTER_BOOTSTRAP_ADMINS defaults to this address with the demo upstream.
            person(
                    "admin@example.com",
                    "Ada",
                    "Admin",
                    "IT Administrator",
                    "Operations",
                    "Corporate IT",
                    null,
                    null,
                    2,
                    null,
                    false));

    private DemoDirectory() {}

    /** The display name of a demo tenant ({@code acme}: Acme Corp); for any other key, the key itself. */
    static On tenant(String key) {
        On known = TENANTS.get(key);
        return known != null ? known : new On(key, key);
    }

    static List<String> emails() {
        return PEOPLE.stream().map(DirectoryUser::email).sorted().toList();
    }

    /** The OIDC subject the demo provider has always given a demo person: {@code demo-<local part>}. */
    private static DirectoryUser person(
            String email,
            String firstName,
            String lastName,
            String positionTitle,
            String division,
            String department,
            @Nullable String section,
            @Nullable String customTeam,
            int hierarchyLevel,
            @Nullable String reportsTo,
            boolean leader,
            Grant... roles) {
        String localPart = email.substring(0, email.indexOf('@'));
        return new DirectoryUser(
                "demo-" + localPart,
                email,
                true,
                localPart,
                firstName,
                null,
                lastName,
                firstName + " " + lastName,
                null,
                positionTitle,
                division,
                department,
                section,
                customTeam,
                hierarchyLevel,
                reportsTo,
                true,
                leader,
                List.of(roles));
    }
}
