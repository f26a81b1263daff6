package dev.roster.scim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * {@code ROSTER_SCIM_MAX_RESULTS} bounds every list; {@code ROSTER_SCIM_MAX_GROUP_MEMBERS} every answer's members;
 * {@code ROSTER_SCIM_TOKEN_OVERLAP=0s} ends a rotated token.
 */
@TestPropertySource(
        properties = {"roster.scim.max-results=2", "roster.scim.token-overlap=0s", "roster.scim.max-group-members=3"})
class ScimSettingsTests extends ScimTest {

    @Test
    void listsNeverHoldMoreThanTheMaximumAndReadOutOfRangePagingAsTheRfcSays() {
        String acme = tenant("acme");
        for (String name : new String[] {"a", "b", "c", "d", "e"}) {
            user(name + "@acme.example", Map.of("username", name), acme);
        }
        Client client = scimClient("Entra", acme);

        JsonNode asked =
                scim(client.token(), "/Users?count=100&sortBy=userName").json();
        assertThat(asked.path("totalResults").asInt()).isEqualTo(5);
        assertThat(asked.path("itemsPerPage").asInt()).isEqualTo(2);
        assertThat(asked.path("Resources")).hasSize(2);
        JsonNode unasked = scim(client.token(), "/Users").json();
        assertThat(unasked.path("Resources")).hasSize(2);
        JsonNode groups = scim(client.token(), "/Groups?count=50").json();
        assertThat(groups.path("totalResults").asInt()).isEqualTo(5);
        assertThat(groups.path("Resources")).hasSize(2);

        // startIndex below 1 is 1, count below 0 is 0 (RFC 7644 §3.4.2.4).
        JsonNode fromZero =
                scim(client.token(), "/Users?startIndex=-3&sortBy=userName").json();
        assertThat(fromZero.path("startIndex").asInt()).isEqualTo(1);
        assertThat(fromZero.path("Resources").get(0).path("userName").asString())
                .isEqualTo("a");
        JsonNode none = scim(client.token(), "/Users?count=-1").json();
        assertThat(none.path("totalResults").asInt()).isEqualTo(5);
        assertThat(none.path("Resources")).isEmpty();

        assertThat(scim(client.token(), "/ServiceProviderConfig")
                        .json()
                        .path("filter")
                        .path("maxResults")
                        .asInt())
                .isEqualTo(2);
    }

    @Test
    void aGroupWithMoreMembersThanAnAnswerListsIsRefusedNotCutShort() {
        String acme = tenant("acme");
        var ids = new java.util.ArrayList<String>();
        for (String name : new String[] {"a", "b", "c", "d"}) {
            ids.add(user(name + "@acme.example", Map.of("username", name), acme));
        }
        Client client = scimClient("Entra", acme);
        String viewers = acme + ":" + VIEWER;

        Http.Response whole = scim(client.token(), "/Groups/" + viewers);
        assertThat(whole.status()).as(whole.body()).isEqualTo(400);
        assertThat(whole.json().path("scimType").asString()).isEqualTo("tooMany");
        assertThat(whole.json().path("detail").asString()).contains("excludedAttributes=members");
        assertThat(scim(client.token(), "/Groups?filter=" + q("displayName eq \"acme/viewer\""))
                        .status())
                .isEqualTo(400);

        Http.Response without = scim(client.token(), "/Groups/" + viewers + "?excludedAttributes=members");
        assertThat(without.status()).isEqualTo(200);
        assertThat(without.json().has("members")).isFalse();
        JsonNode found = scim(
                        client.token(),
                        "/Groups?excludedAttributes=members&filter="
                                + q("members[value eq \"" + ids.getFirst() + "\"]"))
                .json();
        assertThat(found.path("totalResults").asInt()).isEqualTo(1);

        // A write to such a group is made, and answered without the member list.
        String e = user("e@acme.example", Map.of("username", "e"));
        member(e, acme, "00000000-0000-0000-0000-000000000104"); // a developer there: the client sees them
        Http.Response added = http.patchJson("/scim/v2/Groups/" + viewers, client.token(), """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"add","path":"members","value":[{"value":"%s"}]}]}
                """.formatted(e));
        assertThat(added.status()).as(added.body()).isEqualTo(200);
        assertThat(added.json().has("members")).isFalse();
        assertThat(jdbc.sql("SELECT count(*) FROM memberships WHERE tenant_id = CAST(:t AS uuid) AND role_id = CAST(:r"
                                + " AS uuid)")
                        .param("t", acme)
                        .param("r", VIEWER)
                        .query(Long.class)
                        .single())
                .isEqualTo(5);
    }

    @Test
    void withoutOverlapARotationEndsTheOldTokenAtOnce() {
        Client client = scimClient("Entra", tenant("acme"));

        String next = http.post("/v1/scim-clients/" + client.id() + "/token:rotate", admin)
                .json()
                .path("token")
                .asString();

        assertThat(scim(client.token(), "/Users").status()).isEqualTo(401);
        assertThat(scim(next, "/Users").status()).isEqualTo(200);
    }
}
