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
import com.unboundid.scim2.common.types.EnterpriseUserExtension;
import com.unboundid.scim2.common.types.ResourceTypeResource;
import com.unboundid.scim2.common.types.SchemaResource;
import com.unboundid.scim2.common.types.ServiceProviderConfigResource;
import com.unboundid.scim2.common.types.UserResource;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Roster's SCIM server as a real SCIM client library sees it (UnboundID's {@code scim2-sdk-client}, over Jersey):
 * discovery, get, list, every filter operator, sorting, pagination, attribute selection, ETags and errors. Five users
 * in the client's tenant, one outside it that must never show.
 */
class ScimConformanceTests extends ScimTest {

    static final String ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    static final String ROSTER = "urn:roster:params:scim:schemas:extension:roster:2.0:User";

    jakarta.ws.rs.client.Client jaxrs;
    ScimService scim;
    String alice;
    String bob;
    String carol;
    String dave;
    String erin;
    String frank;

    @BeforeEach
    void fixture() {
        String acme = tenant("acme");
        String globex = tenant("globex");
        alice = user(
                "alice@acme.example",
                Map.of(
                        "username", "alice",
                        "first_name", "Alice",
                        "last_name", "Anderson",
                        "display_name", "Alice Anderson",
                        "position_title", "Engineer",
                        "division", "Product",
                        "department", "Engineering",
                        "section", "Platform",
                        "hierarchy_level", 3,
                        "is_leader", true),
                acme);
        bob = user(
                "bob@acme.example",
                Map.of(
                        "username",
                        "bob",
                        "first_name",
                        "Bob",
                        "department",
                        "Sales",
                        "hierarchy_level",
                        2,
                        "is_active",
                        false),
                acme);
        carol = user(
                "carol@other.example",
                Map.of(
                        "username", "carol",
                        "first_name", "Carol",
                        "department", "Engineering",
                        "hierarchy_level", 1,
                        "image", "https://img.example/carol.png"),
                acme);
        dave = user("dave@acme.example", Map.of("first_name", "Dave"), acme); // no username: userName is the email
        erin = user(
                "erin@acme.example",
                Map.of(
                        "username",
                        "erin",
                        "department",
                        "engineering",
                        "reports_to_id",
                        java.util.UUID.fromString(alice)),
                acme);
        frank = user("frank@acme.example", Map.of("username", "frank", "department", "Engineering"), globex);
        Client client = scimClient("Entra", acme);
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
    void discoverySaysWhatIsSupported() throws ScimException {
        ServiceProviderConfigResource config = scim.getServiceProviderConfig();
        assertThat(config.getFilter().isSupported()).isTrue();
        assertThat(config.getFilter().getMaxResults()).isEqualTo(200);
        assertThat(config.getSort().isSupported()).isTrue();
        assertThat(config.getEtag().isSupported()).isTrue();
        assertThat(config.getPatch().isSupported()).isTrue();
        assertThat(config.getBulk().isSupported()).isFalse();
        assertThat(config.getChangePassword().isSupported()).isFalse();
        assertThat(config.getAuthenticationSchemes().getFirst().getType()).isEqualTo("oauthbearertoken");

        ListResponse<ResourceTypeResource> types = scim.getResourceTypes();
        assertThat(types.getResources())
                .extracting(ResourceTypeResource::getName)
                .containsExactly("User", "Group");
        assertThat(scim.getResourceType("Group").getEndpoint().toString()).isEqualTo("/Groups");
        ResourceTypeResource user = scim.getResourceType("User");
        assertThat(user.getEndpoint().toString()).isEqualTo("/Users");
        assertThat(user.getSchemaExtensions()).hasSize(2);

        ListResponse<SchemaResource> schemas = scim.getSchemas();
        assertThat(schemas.getResources())
                .extracting(SchemaResource::getId)
                .containsExactly(
                        "urn:ietf:params:scim:schemas:core:2.0:User",
                        ENTERPRISE,
                        ROSTER,
                        "urn:ietf:params:scim:schemas:core:2.0:Group",
                        "urn:roster:params:scim:schemas:extension:roster:2.0:Group");
        SchemaResource enterprise = scim.getSchema(ENTERPRISE);
        assertThat(enterprise.getAttributes())
                .extracting(a -> a.getName())
                .containsExactly("division", "department", "manager");
    }

    @Test
    void getMapsTheProfileOntoCoreAndExtensions() throws ScimException {
        UserResource user = scim.retrieve("Users", alice, UserResource.class);

        assertThat(user.getId()).isEqualTo(alice);
        assertThat(user.getExternalId()).isEqualTo("ext-alice@acme.example");
        assertThat(user.getUserName()).isEqualTo("alice");
        assertThat(user.getName().getGivenName()).isEqualTo("Alice");
        assertThat(user.getName().getFamilyName()).isEqualTo("Anderson");
        assertThat(user.getDisplayName()).isEqualTo("Alice Anderson");
        assertThat(user.getTitle()).isEqualTo("Engineer");
        assertThat(user.getActive()).isTrue();
        assertThat(user.getEmails()).singleElement().satisfies(e -> {
            assertThat(e.getValue()).isEqualTo("alice@acme.example");
            assertThat(e.getType()).isEqualTo("work");
            assertThat(e.getPrimary()).isTrue();
        });
        EnterpriseUserExtension enterprise = user.getExtension(EnterpriseUserExtension.class);
        assertThat(enterprise.getDepartment()).isEqualTo("Engineering");
        assertThat(enterprise.getDivision()).isEqualTo("Product");
        var roster = user.asGenericScimResource().getObjectNode().get(ROSTER);
        assertThat(roster.get("section").asText()).isEqualTo("Platform");
        assertThat(roster.get("hierarchyLevel").asInt()).isEqualTo(3);
        assertThat(roster.get("isLeader").asBoolean()).isTrue();
        assertThat(user.getMeta().getResourceType()).isEqualTo("User");
        assertThat(user.getMeta().getLocation().toString()).endsWith("/scim/v2/Users/" + alice);
        assertThat(user.getMeta().getVersion()).startsWith("W/\"");

        UserResource managed = scim.retrieve("Users", erin, UserResource.class);
        assertThat(managed.getExtension(EnterpriseUserExtension.class)
                        .getManager()
                        .getValue())
                .isEqualTo(alice);
        UserResource noUsername = scim.retrieve("Users", dave, UserResource.class);
        assertThat(noUsername.getUserName()).isEqualTo("dave@acme.example");
        assertThat(noUsername.getName().getFamilyName()).isNull();
        UserResource withPhoto = scim.retrieve("Users", carol, UserResource.class);
        assertThat(withPhoto.getPhotos().getFirst().getValue().toString()).isEqualTo("https://img.example/carol.png");
    }

    static Stream<Arguments> filters() {
        return Stream.of(
                Arguments.of("userName eq \"ALICE\"", List.of("alice")),
                Arguments.of("userName ne \"alice\"", List.of("bob", "carol", "dave@acme.example", "erin")),
                Arguments.of("userName co \"A\"", List.of("alice", "carol", "dave@acme.example")),
                Arguments.of("userName sw \"ca\"", List.of("carol")),
                Arguments.of("userName ew \".example\"", List.of("dave@acme.example")),
                Arguments.of("userName gt \"carol\"", List.of("dave@acme.example", "erin")),
                Arguments.of("userName ge \"carol\"", List.of("carol", "dave@acme.example", "erin")),
                Arguments.of("userName lt \"bob\"", List.of("alice")),
                Arguments.of("userName le \"bob\"", List.of("alice", "bob")),
                Arguments.of("title pr", List.of("alice")),
                Arguments.of("name.givenName eq \"bob\"", List.of("bob")),
                Arguments.of("name.familyName pr", List.of("alice")),
                Arguments.of("emails.value ew \"@acme.example\"", List.of("alice", "bob", "dave@acme.example", "erin")),
                Arguments.of("emails co \"erin\"", List.of("erin")),
                Arguments.of("emails[type eq \"work\" and value co \"other\"]", List.of("carol")),
                Arguments.of("emails[type eq \"home\"]", List.of()),
                Arguments.of("emails[type eq \"work\"].value sw \"carol\"", List.of("carol")),
                Arguments.of(
                        "emails[type eq \"work\"].value eq \"ALICE@acme.example\" or userName eq \"bob\"",
                        List.of("alice", "bob")),
                Arguments.of("emails[type eq \"home\"].value pr", List.of()),
                Arguments.of("photos pr", List.of("carol")),
                Arguments.of("photos[type eq \"photo\"]", List.of("carol")),
                Arguments.of("active eq false", List.of("bob")),
                Arguments.of("not (active eq false)", List.of("alice", "carol", "dave@acme.example", "erin")),
                Arguments.of("userName eq \"alice\" or userName eq \"bob\"", List.of("alice", "bob")),
                Arguments.of("active eq true and name.givenName sw \"c\"", List.of("carol")),
                Arguments.of("externalId eq \"ext-alice@acme.example\"", List.of("alice")),
                Arguments.of("externalId eq \"EXT-ALICE@acme.example\"", List.of()),
                Arguments.of(ENTERPRISE + ":department eq \"engineering\"", List.of("alice", "carol", "erin")),
                Arguments.of(ENTERPRISE + ":department pr", List.of("alice", "bob", "carol", "erin")),
                Arguments.of("not (" + ENTERPRISE + ":department pr)", List.of("dave@acme.example")),
                Arguments.of(ENTERPRISE + ":division eq \"Product\"", List.of("alice")),
                Arguments.of(ROSTER + ":hierarchyLevel ge 2", List.of("alice", "bob")),
                Arguments.of(ROSTER + ":hierarchyLevel lt 2", List.of("carol")),
                Arguments.of(ROSTER + ":isLeader eq true", List.of("alice")),
                Arguments.of(ROSTER + ":section co \"plat\"", List.of("alice")),
                Arguments.of(
                        "meta.created gt \"2000-01-01T00:00:00Z\"",
                        List.of("alice", "bob", "carol", "dave@acme.example", "erin")),
                Arguments.of("meta.lastModified lt \"2000-01-01T00:00:00Z\"", List.of()),
                Arguments.of("userName eq null", List.of()),
                Arguments.of("urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"erin\"", List.of("erin")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    void filtersSelectExactlyTheMatchingUsers(String filter, List<String> expected) throws ScimException {
        ListResponse<UserResource> found = scim.searchRequest("Users")
                .filter(filter)
                .sort("userName", SortOrder.ASCENDING)
                .invoke(UserResource.class);

        assertThat(userNames(found)).containsExactlyElementsOf(expected);
        assertThat(found.getTotalResults()).isEqualTo(expected.size());
    }

    @Test
    void filtersByIdAndManagerUseRosterIds() throws ScimException {
        assertThat(userNames(scim.searchRequest("Users")
                        .filter("id eq \"" + bob + "\"")
                        .invoke(UserResource.class)))
                .containsExactly("bob");
        assertThat(userNames(scim.searchRequest("Users")
                        .filter(ENTERPRISE + ":manager.value eq \"" + alice + "\"")
                        .invoke(UserResource.class)))
                .containsExactly("erin");
        assertThat(scim.searchRequest("Users")
                        .filter("id eq \"" + frank + "\"")
                        .invoke(UserResource.class)
                        .getTotalResults())
                .isZero();
    }

    @Test
    void aManagerTheClientDoesNotSeeIsNotShown() throws ScimException {
        assertThat(enterprise(scim.retrieve("Users", erin, UserResource.class))
                        .path("manager")
                        .path("value")
                        .asText())
                .isEqualTo(alice);

        jdbc.sql(
                        "UPDATE users SET reports_to_id = CAST(:frank AS uuid), reports_to_external_id = 'ext-frank@acme.example'"
                                + " WHERE id = CAST(:erin AS uuid)")
                .param("frank", frank)
                .param("erin", erin)
                .update();

        assertThat(enterprise(scim.retrieve("Users", erin, UserResource.class)).has("manager"))
                .isFalse();
        assertThat(enterprise(scim.searchRequest("Users")
                                .filter("userName eq \"erin\"")
                                .invoke(UserResource.class)
                                .getResources()
                                .getFirst())
                        .has("manager"))
                .isFalse();
        // Nor can a filter or a sort spell the hidden id out.
        for (String op : new String[] {"eq \"" + frank + "\"", "sw \"" + frank.charAt(0) + "\"", "pr"}) {
            assertThat(scim.searchRequest("Users")
                            .filter(ENTERPRISE + ":manager.value " + op)
                            .invoke(UserResource.class)
                            .getTotalResults())
                    .as(op)
                    .isZero();
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode enterprise(UserResource user) {
        return user.asGenericScimResource().getObjectNode().path(ENTERPRISE);
    }

    @Test
    void pagesAreExactWithAStableTotal() throws ScimException {
        var seen = new ArrayList<String>();
        for (int start = 1; start <= 5; start += 2) {
            ListResponse<UserResource> page = scim.searchRequest("Users")
                    .sort("userName", SortOrder.ASCENDING)
                    .page(start, 2)
                    .invoke(UserResource.class);
            assertThat(page.getTotalResults()).isEqualTo(5);
            assertThat(page.getStartIndex()).isEqualTo(start);
            assertThat(page.getItemsPerPage()).isEqualTo(start == 5 ? 1 : 2);
            seen.addAll(userNames(page));
        }
        assertThat(seen).containsExactly("alice", "bob", "carol", "dave@acme.example", "erin");

        ListResponse<UserResource> countOnly =
                scim.searchRequest("Users").page(1, 0).invoke(UserResource.class);
        assertThat(countOnly.getTotalResults()).isEqualTo(5);
        assertThat(countOnly.getResources()).isEmpty();
        ListResponse<UserResource> beyond =
                scim.searchRequest("Users").page(99, 10).invoke(UserResource.class);
        assertThat(beyond.getTotalResults()).isEqualTo(5);
        assertThat(beyond.getResources()).isEmpty();
    }

    @Test
    void sortsByAnyStoredAttributeEitherWay() throws ScimException {
        assertThat(userNames(scim.searchRequest("Users")
                        .sort("userName", SortOrder.DESCENDING)
                        .invoke(UserResource.class)))
                .containsExactly("erin", "dave@acme.example", "carol", "bob", "alice");
        // Nulls last; ties broken by id, so the order is total.
        List<String> byLevel = userNames(scim.searchRequest("Users")
                .sort(ROSTER + ":hierarchyLevel", SortOrder.ASCENDING)
                .invoke(UserResource.class));
        assertThat(byLevel.subList(0, 3)).containsExactly("carol", "bob", "alice");
        assertThat(byLevel.subList(3, 5)).containsExactlyInAnyOrder("dave@acme.example", "erin");
    }

    @Test
    void attributesAndExcludedAttributesShapeTheAnswer() throws ScimException {
        GenericScimResource only = scim.retrieveRequest("Users", alice)
                .attributes("userName", "name.givenName", ENTERPRISE + ":department")
                .invoke(GenericScimResource.class);
        var node = only.getObjectNode();
        assertThat(node.get("id").asText()).isEqualTo(alice);
        assertThat(node.get("userName").asText()).isEqualTo("alice");
        assertThat(node.get("name").get("givenName").asText()).isEqualTo("Alice");
        assertThat(node.get("name").has("familyName")).isFalse();
        assertThat(node.get(ENTERPRISE).get("department").asText()).isEqualTo("Engineering");
        assertThat(node.get(ENTERPRISE).has("division")).isFalse();
        assertThat(node.has("emails")).isFalse();
        assertThat(node.has("meta")).isFalse();
        assertThat(node.has(ROSTER)).isFalse();

        GenericScimResource without = scim.retrieveRequest("Users", alice)
                .excludedAttributes("emails", ROSTER, "name.familyName", "id")
                .invoke(GenericScimResource.class);
        node = without.getObjectNode();
        assertThat(node.has("emails")).isFalse();
        assertThat(node.has(ROSTER)).isFalse();
        assertThat(node.get("name").has("familyName")).isFalse();
        assertThat(node.get("name").get("givenName").asText()).isEqualTo("Alice");
        assertThat(node.get("id").asText()).isEqualTo(alice); // always returned
        assertThat(node.has(ENTERPRISE)).isTrue();

        ListResponse<GenericScimResource> listed = scim.searchRequest("Users")
                .filter("userName eq \"bob\"")
                .attributes("emails.value")
                .invoke(GenericScimResource.class);
        var bobNode = listed.getResources().getFirst().getObjectNode();
        assertThat(bobNode.get("emails").get(0).get("value").asText()).isEqualTo("bob@acme.example");
        assertThat(bobNode.get("emails").get(0).has("type")).isFalse();
        assertThat(bobNode.has("userName")).isFalse();
    }

    @Test
    void anUnchangedUserAnswersNotModifiedToItsETag() throws ScimException {
        String version =
                scim.retrieve("Users", alice, UserResource.class).getMeta().getVersion();

        assertThatThrownBy(() -> scim.retrieveRequest("Users", alice)
                        .ifNoneMatch(version)
                        .invoke(UserResource.class))
                .isInstanceOfSatisfying(
                        ScimException.class,
                        e -> assertThat(e.getScimError().getStatus()).isEqualTo(304));
        assertThat(scim.retrieveRequest("Users", alice)
                        .ifNoneMatch("W/\"1\"")
                        .invoke(UserResource.class)
                        .getUserName())
                .isEqualTo("alice");
    }

    @Test
    void errorsReachTheClientAsScimErrors() {
        assertThatThrownBy(() -> scim.retrieve("Users", frank, UserResource.class))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() ->
                        scim.searchRequest("Users").filter("nickName eq \"x\"").invoke(UserResource.class))
                .isInstanceOfSatisfying(
                        BadRequestException.class,
                        e -> assertThat(e.getScimError().getScimType()).isEqualTo("invalidFilter"));
    }

    private static List<String> userNames(ListResponse<UserResource> list) {
        return list.getResources().stream().map(UserResource::getUserName).toList();
    }
}
