package dev.roster.demo;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The people and organizations the demo identity provider knows: enough for the quickstart to show a user with roles
 * across tenants, and one without any.
 */
final class DemoDirectory {

    record Tenant(String id, String name) {}

    record Grant(String role, Tenant tenant) {}

    record Person(String email, String givenName, String familyName, List<Grant> roles) {

        String subject() {
            return "demo-" + email.substring(0, email.indexOf('@'));
        }
    }

    static final Tenant ACME = new Tenant("acme", "Acme Corp");
    static final Tenant GLOBEX = new Tenant("globex", "Globex");
    static final Tenant INITECH = new Tenant("initech", "Initech");

    private static final Map<String, Person> PEOPLE = Map.of(
            "alice@example.com",
            new Person(
                    "alice@example.com",
                    "Alice",
                    "Anderson",
                    List.of(
                            new Grant("tenant_admin", ACME),
                            new Grant("developer", GLOBEX),
                            new Grant("viewer", INITECH))),
            "bob@example.com",
            new Person("bob@example.com", "Bob", "Brown", List.of(new Grant("developer", ACME))),
            "carol@example.com",
            new Person(
                    "carol@example.com",
                    "Carol",
                    "Chen",
                    List.of(new Grant("operator", GLOBEX), new Grant("viewer", ACME), new Grant("developer", ACME))),
            "dave@example.com",
            new Person("dave@example.com", "Dave", "Diaz", List.of()),
            // A platform admin: ROSTER_BOOTSTRAP_ADMINS defaults to this address with the demo upstream.
            "admin@example.com",
            new Person("admin@example.com", "Ada", "Admin", List.of()));

    private DemoDirectory() {}

    static Optional<Person> find(String email) {
        return Optional.ofNullable(PEOPLE.get(email));
    }

    static List<String> emails() {
        return PEOPLE.keySet().stream().sorted().toList();
    }
}
