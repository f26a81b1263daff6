package dev.roster.scim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.GenericScimResource;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.ResourceNotFoundException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.messages.ListResponse;
import com.unboundid.scim2.common.messages.SortOrder;
import com.unboundid.scim2.common.types.GroupResource;
import com.unboundid.scim2.common.types.Member;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestFilter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /scim/v2/Groups} through the UnboundID SCIM client: a group per (tenant, role) of the client's tenants, its
 * members the tenant's members holding the role, nothing of other tenants.
 */
class ScimGroupTests extends ScimTest {

    static final String DEVELOPER = "00000000-0000-0000-0000-000000000104";
    static final String ROSTER_GROUP = "urn:roster:params:scim:schemas:extension:roster:2.0:Group";

    jakarta.ws.rs.client.Client jaxrs;
    ScimService scim;
    String acme;
    String globex;
    String auditor;
    String alice;
    String carol;
    String dave;

    @BeforeEach
    void fixture() {
        acme = tenant("acme");
        globex = tenant("globex");
        auditor = jdbc.sql("INSERT INTO roles (id, tenant_id, slug, name, priority)"
                        + " VALUES (gen_random_uuid(), CAST(:t AS uuid), 'auditor', 'Auditor', 150) RETURNING id::text")
                .param("t", acme)
                .query(String.class)
                .single();
        alice = user("alice@acme.example", Map.of("username", "alice"));
        member(alice, acme, DEVELOPER);
        user("bob@acme.example", Map.of("username", "bob"), acme);
        carol = user("carol@acme.example", Map.of("username", "carol"), globex);
        member(carol, acme, DEVELOPER);
        dave = user("dave@globex.example", Map.of("username", "dave"));
        member(dave, globex, DEVELOPER);
        String serviceAccount =
                user("sa@service-accounts.roster.invalid", Map.of("provider", "roster:service-account"));
        member(serviceAccount, acme, DEVELOPER);
        Client client = scimClient("Okta", acme);
        jaxrs = ClientBuilder.newClient();
        jaxrs.register((ClientRequestFilter)
                request -> request.getHeaders().putSingle("Authorization", "Bearer " + client.token()));
        scim = new ScimService(jaxrs.target("http://127.0.0.1:" + port + "/scim/v2"));
    }

    @AfterEach
    void close() {
        jaxrs.close();
    }

    @Test
    void everyRoleOfTheClientsTenantsIsAGroup() throws ScimException {
        ListResponse<GroupResource> groups = scim.searchRequest("Groups")
                .sort("displayName", SortOrder.ASCENDING)
                .excludedAttributes("members")
                .invoke(GroupResource.class);

        assertThat(groups.getTotalResults()).isEqualTo(6);
        assertThat(groups.getResources())
                .extracting(GroupResource::getDisplayName)
                .containsExactly(
                        "acme/auditor",
                        "acme/developer",
                        "acme/operator",
                        "acme/super_admin",
                        "acme/tenant_admin",
                        "acme/viewer");
        assertThat(groups.getResources())
                .allSatisfy(g -> assertThat(g.getMembers()).isNull());
        assertThat(groups.getResources().getFirst().getId()).isEqualTo(acme + ":" + auditor);

        ListResponse<GroupResource> page = scim.searchRequest("Groups")
                .sort("displayName", SortOrder.DESCENDING)
                .page(2, 2)
                .invoke(GroupResource.class);
        assertThat(page.getTotalResults()).isEqualTo(6);
        assertThat(page.getResources())
                .extracting(GroupResource::getDisplayName)
                .containsExactly("acme/tenant_admin", "acme/super_admin");
    }

    @Test
    void aGroupsMembersAreTheTenantsMembersHoldingTheRole() throws ScimException {
        GroupResource developers = scim.retrieve("Groups", acme + ":" + DEVELOPER, GroupResource.class);

        assertThat(developers.getDisplayName()).isEqualTo("acme/developer");
        assertThat(developers.getMembers()).extracting(Member::getValue).containsExactlyInAnyOrder(alice, carol);
        Member first = developers.getMembers().stream()
                .filter(m -> m.getValue().equals(alice))
                .findFirst()
                .orElseThrow();
        assertThat(first.getDisplay()).isEqualTo("alice");
        assertThat(first.getType()).isEqualTo("User");
        assertThat(first.getRef().toString()).endsWith("/scim/v2/Users/" + alice);
        assertThat(developers.getMeta().getLocation().toString()).endsWith("/Groups/" + acme + ":" + DEVELOPER);
        var roster = developers.asGenericScimResource().getObjectNode().get(ROSTER_GROUP);
        assertThat(roster.get("tenantId").asText()).isEqualTo(acme);
        assertThat(roster.get("role").asText()).isEqualTo("developer");
        assertThat(roster.get("builtIn").asBoolean()).isTrue();

        GroupResource auditors = scim.retrieve("Groups", acme + ":" + auditor, GroupResource.class);
        assertThat(auditors.getMembers()).isEmpty();
    }

    @Test
    void groupsOfOtherTenantsDoNotExistForTheClient() throws ScimException {
        assertThatThrownBy(() -> scim.retrieve("Groups", globex + ":" + DEVELOPER, GroupResource.class))
                .isInstanceOf(ResourceNotFoundException.class);
        // Another tenant's own role, paired with the client's tenant, is no group either.
        String globexRole = jdbc.sql("INSERT INTO roles (id, tenant_id, slug, name, priority)"
                        + " VALUES (gen_random_uuid(), CAST(:t AS uuid), 'ops', 'Ops', 150) RETURNING id::text")
                .param("t", globex)
                .query(String.class)
                .single();
        assertThatThrownBy(() -> scim.retrieve("Groups", acme + ":" + globexRole, GroupResource.class))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> scim.retrieve("Groups", "not-a-group", GroupResource.class))
                .isInstanceOf(ResourceNotFoundException.class);
        // A group's id is case-exact (RFC 7643 §3.1), for a read as for a filter.
        String upper = (acme + ":" + DEVELOPER).toUpperCase(java.util.Locale.ROOT);
        assertThatThrownBy(() -> scim.retrieve("Groups", upper, GroupResource.class))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThat(names("id eq \"" + upper + "\"")).isEmpty();
    }

    @Test
    void groupsFilterByNameTenantAndRole() throws ScimException {
        assertThat(names("displayName eq \"ACME/Developer\"")).containsExactly("acme/developer");
        assertThat(names(ROSTER_GROUP + ":role eq \"auditor\"")).containsExactly("acme/auditor");
        assertThat(names(ROSTER_GROUP + ":builtIn eq false")).containsExactly("acme/auditor");
        assertThat(names(ROSTER_GROUP + ":tenantId eq \"" + globex + "\"")).isEmpty();
        assertThat(names("displayName sw \"globex\"")).isEmpty();
        assertThat(names("id eq \"" + acme + ":" + DEVELOPER + "\"")).containsExactly("acme/developer");
        // Entra ID checks a membership this way; "some member matches".
        assertThat(names("id eq \"" + acme + ":" + DEVELOPER + "\" and members[value eq \"" + alice + "\"]"))
                .containsExactly("acme/developer");
        assertThat(names("members.value eq \"" + alice + "\"")).containsExactly("acme/developer");
        // A value filter holds for one member: alice is not carol, and carol is someone who is not alice.
        assertThat(names("members[value eq \"" + alice + "\" and display eq \"carol\"]"))
                .isEmpty();
        assertThat(names("members[value eq \"" + alice + "\" and display eq \"alice\"]"))
                .containsExactly("acme/developer");
        assertThat(names("members[not (value eq \"" + alice + "\")]"))
                .containsExactlyInAnyOrder("acme/developer", "acme/viewer");
        assertThat(names("members.value eq \"" + dave + "\"")).isEmpty(); // a member of globex only
        assertThat(names("members.display eq \"CAROL\"")).containsExactly("acme/developer");
        assertThat(names("members pr")).containsExactlyInAnyOrder("acme/developer", "acme/viewer");
        assertThat(names("not (members pr)")).hasSize(4);
        assertThatThrownBy(() -> scim.searchRequest("Groups")
                        .sort("members.value", SortOrder.ASCENDING)
                        .invoke(GroupResource.class))
                .isInstanceOfSatisfying(
                        BadRequestException.class,
                        e -> assertThat(e.getScimError().getScimType()).isEqualTo("invalidValue"));
        assertThatThrownBy(() -> names("members.type eq \"User\""))
                .isInstanceOfSatisfying(
                        BadRequestException.class,
                        e -> assertThat(e.getScimError().getScimType()).isEqualTo("invalidFilter"));
    }

    @Test
    void attributesSelectWhatAGroupShows() throws ScimException {
        GenericScimResource onlyName = scim.retrieveRequest("Groups", acme + ":" + DEVELOPER)
                .attributes("displayName")
                .invoke(GenericScimResource.class);
        assertThat(onlyName.getObjectNode().has("members")).isFalse();
        assertThat(onlyName.getObjectNode().get("displayName").asText()).isEqualTo("acme/developer");
        GenericScimResource memberIds = scim.retrieveRequest("Groups", acme + ":" + DEVELOPER)
                .attributes("members.value")
                .invoke(GenericScimResource.class);
        assertThat(memberIds.getObjectNode().get("members")).hasSize(2);
        assertThat(memberIds.getObjectNode().get("members").get(0).has("display"))
                .isFalse();
    }

    private List<String> names(String filter) throws ScimException {
        return scim.searchRequest("Groups").filter(filter).invoke(GroupResource.class).getResources().stream()
                .map(GroupResource::getDisplayName)
                .toList();
    }
}
