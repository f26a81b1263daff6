package dev.roster.scim;

import static dev.roster.scim.ScimProtocolTests.assertScimError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import dev.roster.sync.UserSync;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Group members over SCIM: both removal shapes, adds, PUT, the fixed (tenant, role) of a group, a membership assigned
 * in Roster that stands, and isolation from other tenants. Rows asserted: memberships, audit, outbox (origin
 * upstream).
 */
class ScimGroupWriteTests extends ScimTest {

    static final String DEVELOPER = ScimGroupTests.DEVELOPER;

    @Autowired
    UserSync sync;

    Client client;
    String acme;
    String globex;
    String alice;
    String bob;
    String frank;
    String developers;
    String viewers;

    @BeforeEach
    void fixture() {
        acme = tenant("acme");
        globex = tenant("globex");
        alice = user("alice@acme.example", Map.of("username", "alice", "provider", sync.provider()));
        bob = user("bob@acme.example", Map.of("username", "bob", "provider", sync.provider()));
        frank = user("frank@globex.example", Map.of("username", "frank", "provider", sync.provider()), globex);
        client = scimClient("Entra", acme);
        // alice and bob are the client's because it provisioned them (no membership yet).
        for (String user : List.of(alice, bob)) {
            jdbc.sql("INSERT INTO scim_provisioned_users (scim_client_id, user_id) VALUES (CAST(:c AS uuid),"
                            + " CAST(:u AS uuid))")
                    .param("c", client.id())
                    .param("u", user)
                    .update();
        }
        developers = acme + ":" + DEVELOPER;
        viewers = acme + ":" + VIEWER;
        Http.Response subscription =
                http.postJson("/v1/webhook-subscriptions", admin, "{\"url\":\"https://8.8.8.8/hooks\"}", Map.of());
        assertThat(subscription.status()).as(subscription.body()).isEqualTo(201);
    }

    @Test
    void addMembersThenRemoveThemByValueFilterAndByValue() {
        Http.Response added = patch(developers, """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"Add","path":"members","value":[{"value":"%s"},{"value":"%s"}]}]}
                """.formatted(alice, bob));

        assertThat(added.status()).as(added.body()).isEqualTo(200);
        assertThat(members(developers)).containsExactlyInAnyOrder(alice, bob);
        assertThat(membership(alice)).isEqualTo(DEVELOPER + " scim");
        assertThat(jdbc.sql("SELECT actor || ' ' || action FROM audit_log WHERE target = :t")
                        .param("t", "membership:" + alice + ":" + acme)
                        .query(String.class)
                        .list())
                .containsExactly("scim_client:" + client.id() + " membership.added");
        assertThat(outbox(alice)).containsExactly("membership.assigned upstream");

        // A member's sub-attribute is no member: removing it removes no one.
        for (String path : new String[] {"members.display", "members[value eq \\\"" + alice + "\\\"].display"}) {
            Http.Response sub = patch(developers, "{\"Operations\":[{\"op\":\"remove\",\"path\":\"" + path + "\"}]}");
            assertScimError(sub, "400", "invalidPath");
        }
        assertThat(members(developers)).containsExactlyInAnyOrder(alice, bob);

        // Entra ID's shape: a value filter in the path.
        Http.Response filtered = patch(developers, """
                {"Operations":[{"op":"Remove","path":"members[value eq \\"%s\\"]"}]}
                """.formatted(alice));
        assertThat(filtered.status()).as(filtered.body()).isEqualTo(200);
        assertThat(members(developers)).containsExactly(bob);
        assertThat(membership(alice)).isNull();
        assertThat(outbox(alice)).containsExactly("membership.assigned upstream", "membership.revoked upstream");

        // Okta's shape: path members, the values to remove.
        Http.Response byValue = patch(developers, """
                {"Operations":[{"op":"remove","path":"members","value":[{"value":"%s"}]}]}
                """.formatted(bob));
        assertThat(byValue.status()).as(byValue.body()).isEqualTo(200);
        assertThat(members(developers)).isEmpty();
    }

    @Test
    void addingToAnotherRoleOfTheTenantMovesTheUserAndRemovingFromTheOldOneChangesNothing() {
        patch(
                developers,
                "{\"Operations\":[{\"op\":\"add\",\"value\":{\"members\":[{\"value\":\"" + alice + "\"}]}}]}");

        patch(
                viewers,
                "{\"Operations\":[{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"" + alice + "\"}]}]}");
        assertThat(membership(alice)).isEqualTo(VIEWER + " scim");

        // A late removal from the group they left does not take their new role.
        patch(
                developers,
                "{\"Operations\":[{\"op\":\"remove\",\"path\":\"members[value eq \\\"" + alice + "\\\"]\"}]}");
        assertThat(membership(alice)).isEqualTo(VIEWER + " scim");
    }

    @Test
    void putReplacesTheMembersAndAMembershipAssignedInRosterStands() {
        jdbc.sql("INSERT INTO memberships (user_id, tenant_id, role_id, source) VALUES (CAST(:u AS uuid),"
                        + " CAST(:t AS uuid), CAST(:r AS uuid), 'local')") // assigned in Roster: Roster's word
                .param("u", bob)
                .param("t", acme)
                .param("r", DEVELOPER)
                .update();
        patch(
                developers,
                "{\"Operations\":[{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"" + alice + "\"}]}]}");

        Http.Response replaced = http.putJson(
                "/scim/v2/Groups/" + developers, client.token(), "{\"displayName\":\"acme/developer\",\"members\":[]}");

        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
        assertThat(members(developers)).containsExactly(bob);
        assertThat(membership(bob)).isEqualTo(DEVELOPER + " local");
    }

    @Test
    void createFindsTheGroupItsNameNamesAndNothingElse() {
        Http.Response created = http.postJson(
                "/scim/v2/Groups",
                client.token(),
                "{\"displayName\":\"acme/developer\",\"members\":[{\"value\":\"" + alice + "\"}]}",
                Map.of());

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("id").asString()).isEqualTo(developers);
        assertThat(created.header("Location")).endsWith("/scim/v2/Groups/" + developers);
        assertThat(members(developers)).containsExactly(alice);
        assertScimError(
                http.postJson("/scim/v2/Groups", client.token(), "{\"displayName\":\"Sales\"}", Map.of()),
                "400",
                "invalidValue");
        assertScimError(
                http.postJson("/scim/v2/Groups", client.token(), "{\"displayName\":\"globex/developer\"}", Map.of()),
                "400",
                "invalidValue");
        assertScimError(
                http.putJson("/scim/v2/Groups/" + developers, client.token(), "{\"displayName\":\"acme/admins\"}"),
                "400",
                "mutability");
    }

    @Test
    void aClientCannotTouchAnotherTenantsGroupsOrAddAnotherTenantsUsers() {
        String globexDevelopers = globex + ":" + DEVELOPER;
        assertScimError(
                patch(globexDevelopers, "{\"Operations\":[{\"op\":\"remove\",\"path\":\"members\"}]}"), "404", null);
        assertScimError(
                http.putJson("/scim/v2/Groups/" + globexDevelopers, client.token(), "{\"members\":[]}"), "404", null);
        assertScimError(
                patch(
                        developers,
                        "{\"Operations\":[{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"" + frank
                                + "\"}]}]}"),
                "400",
                "invalidValue");
        assertThat(membership(frank)).startsWith(VIEWER);
        assertThat(jdbc.sql("SELECT count(*) FROM memberships WHERE tenant_id = CAST(:t AS uuid)")
                        .param("t", acme)
                        .query(Long.class)
                        .single())
                .isZero();
        assertScimError(patch(developers, "{\"Operations\":[{\"op\":\"move\"}]}"), "400", "invalidSyntax");
        assertScimError(patch(developers, "{}"), "400", "invalidSyntax");
    }

    private Http.Response patch(String group, String json) {
        return http.patchJson("/scim/v2/Groups/" + group, client.token(), json);
    }

    private List<String> members(String group) {
        var list = scim(client.token(), "/Groups/" + group).json().path("members");
        var ids = new java.util.ArrayList<String>();
        list.forEach(m -> ids.add(m.path("value").asString()));
        return ids;
    }

    private String membership(String user) {
        return jdbc.sql("SELECT role_id::text || ' ' || source FROM memberships WHERE user_id = CAST(:u AS uuid)")
                .param("u", user)
                .query(String.class)
                .optional()
                .orElse(null);
    }

    private List<String> outbox(String user) {
        return jdbc.sql("SELECT event_type || ' ' || origin FROM outbox WHERE aggregate_id = :id ORDER BY id")
                .param("id", user)
                .query(String.class)
                .list();
    }
}
