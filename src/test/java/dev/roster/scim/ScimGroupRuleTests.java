package dev.roster.scim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roster.support.Http;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The group rule is configurable: {@code ROSTER_SCIM_GROUP_NAME} names groups, {@code ROSTER_SCIM_GROUP_ROLES} says
 * which roles are groups. A role left out is no group for any SCIM client: not listed, not found, not changed.
 */
@TestPropertySource(
        properties = {"roster.scim.group-name=roster:{role}@{tenant}", "roster.scim.group-roles=developer,viewer"})
class ScimGroupRuleTests extends ScimTest {

    static final String DEVELOPER = "00000000-0000-0000-0000-000000000104";
    static final String TENANT_ADMIN = "00000000-0000-0000-0000-000000000102";

    @Test
    void groupsAreNamedAndChosenByTheConfiguredRule() {
        String acme = tenant("acme");
        String alice = user("alice@acme.example", Map.of("username", "alice"), acme);
        Client client = scimClient("Entra", acme);

        JsonNode all =
                scim(client.token(), "/Groups?excludedAttributes=members").json();
        assertThat(all.path("totalResults").asInt()).isEqualTo(2);
        assertThat(all.path("Resources").findValuesAsString("displayName"))
                .containsExactlyInAnyOrder("roster:developer@acme", "roster:viewer@acme");

        JsonNode byName = scim(client.token(), "/Groups?filter=" + q("displayName eq \"ROSTER:viewer@acme\""))
                .json();
        assertThat(byName.path("Resources")
                        .get(0)
                        .path("members")
                        .get(0)
                        .path("value")
                        .asString())
                .isEqualTo(alice);

        // tenant_admin is no group: not found, not changed.
        Http.Response admins = scim(client.token(), "/Groups/" + acme + ":" + TENANT_ADMIN);
        assertThat(admins.status()).isEqualTo(404);
        Http.Response promote =
                http.patchJson("/scim/v2/Groups/" + acme + ":" + TENANT_ADMIN, client.token(), """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"add","path":"members","value":[{"value":"%s"}]}]}
                """.formatted(alice));
        assertThat(promote.status()).isEqualTo(404);
        Http.Response created = http.postJson(
                "/scim/v2/Groups",
                client.token(),
                "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],\"displayName\":\"roster:tenant_admin@acme\"}",
                Map.of());
        assertThat(created.status()).isEqualTo(400);

        // Nor is a tenant admin demoted by joining a group, which would end the role the IdP cannot see.
        String bob = user("bob@acme.example", Map.of("username", "bob"));
        member(bob, acme, TENANT_ADMIN);
        Http.Response demote =
                http.patchJson("/scim/v2/Groups/" + acme + ":" + VIEWER, client.token(), """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"add","path":"members","value":[{"value":"%s"}]}]}
                """.formatted(bob));
        assertThat(demote.status()).as(demote.body()).isEqualTo(400);
        assertThat(demote.json().path("scimType").asString()).isEqualTo("mutability");
        assertThat(jdbc.sql("SELECT role_id::text FROM memberships WHERE user_id = CAST(:u AS uuid)")
                        .param("u", bob)
                        .query(String.class)
                        .single())
                .isEqualTo(TENANT_ADMIN);

        // A group the rule names is found by POST /Groups under that name (what Okta and Entra ID do first).
        Http.Response developers = http.postJson(
                "/scim/v2/Groups",
                client.token(),
                "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],\"displayName\":\"roster:developer@acme\"}",
                Map.of());
        assertThat(developers.status()).as(developers.body()).isEqualTo(201);
        assertThat(developers.json().path("id").asString()).isEqualTo(acme + ":" + DEVELOPER);

        JsonNode schema = scim(client.token(), "/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group")
                .json();
        assertThat(schema.toString()).contains("roster:{role}@{tenant}");
    }

    @Test
    void aRuleThatCouldGiveTwoGroupsOneNameIsRefusedAtStart() {
        assertThatThrownBy(() -> settings("{tenant}-{role}", List.of("*")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("separate {tenant} and {role}");
        assertThatThrownBy(() -> settings("{tenant}/{tenant}", List.of("*")))
                .hasMessageContaining("{tenant} and {role} once each");
        assertThatThrownBy(() -> settings("{tenant}/{role}'; drop table users; --", List.of("*")))
                .hasMessageContaining("only letters, digits");
        assertThatThrownBy(() -> settings("{tenant}/{role}", List.of("Developer")))
                .hasMessageContaining("role slugs");
        assertThat(GroupNameTemplate.parse("{role} in {tenant}").format("acme", "viewer"))
                .isEqualTo("viewer in acme");
    }

    private static ScimSettings settings(String groupName, List<String> groupRoles) {
        return new ScimSettings(Duration.ofHours(1), 200, 10_000, Duration.ofSeconds(5), groupName, groupRoles);
    }
}
