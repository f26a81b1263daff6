package dev.roster.scim;

import static dev.roster.scim.ScimProtocolTests.assertScimError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.exceptions.PreconditionFailedException;
import com.unboundid.scim2.common.exceptions.ResourceConflictException;
import com.unboundid.scim2.common.exceptions.ResourceNotFoundException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.messages.ListResponse;
import com.unboundid.scim2.common.messages.PatchOperation;
import com.unboundid.scim2.common.messages.PatchRequest;
import com.unboundid.scim2.common.types.Email;
import com.unboundid.scim2.common.types.EnterpriseUserExtension;
import com.unboundid.scim2.common.types.Name;
import com.unboundid.scim2.common.types.UserResource;
import com.unboundid.scim2.common.utils.JsonUtils;
import dev.roster.support.Http;
import dev.roster.sync.UserSync;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestFilter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The SCIM writes on users as UnboundID's {@code scim2-sdk-client} drives them: create, replace, PATCH, delete,
 * ETags with {@code If-Match}, errors, and the rows each write leaves (users, provisioning, audit, outbox with origin
 * upstream). The client provisions acme; globex is another client's tenant, never reachable.
 */
class ScimUserWriteTests extends ScimTest {

    static final String ENTERPRISE = ScimConformanceTests.ENTERPRISE;

    @Autowired
    UserSync sync;

    jakarta.ws.rs.client.Client jaxrs;
    ScimService scim;
    Client client;
    String acme;
    String globex;
    String alice;
    String frank;

    @BeforeEach
    void fixture() {
        acme = tenant("acme");
        globex = tenant("globex");
        alice = user("alice@acme.example", Map.of("username", "alice", "provider", sync.provider()), acme);
        frank = user("frank@globex.example", Map.of("username", "frank", "provider", sync.provider()), globex);
        client = scimClient("Entra", acme);
        // A change-feed subscriber, so that the outbox records events (the relay may try to deliver them; the rows are
        // what is asserted).
        Http.Response subscription =
                http.postJson("/v1/webhook-subscriptions", admin, "{\"url\":\"https://8.8.8.8/hooks\"}", Map.of());
        assertThat(subscription.status()).as(subscription.body()).isEqualTo(201);
        jaxrs = ClientBuilder.newClient();
        jaxrs.register((ClientRequestFilter)
                request -> request.getHeaders().putSingle("Authorization", "Bearer " + client.token()));
        scim = new ScimService(jaxrs.target("http://127.0.0.1:" + port + "/scim/v2"));
    }

    @AfterEach
    void close() {
        jaxrs.close();
    }

    private static UserResource newHire(String externalId) {
        UserResource user = new UserResource();
        user.setUserName("nina@acme.example");
        user.setExternalId(externalId);
        user.setName(new Name().setGivenName("Nina").setMiddleName("M").setFamilyName("Novak"));
        user.setDisplayName("Nina Novak");
        user.setTitle("Engineer");
        user.setActive(true);
        user.setEmails(List.of(
                new Email().setValue("nina@acme.example").setType("work").setPrimary(true)));
        user.setExtension(
                new EnterpriseUserExtension().setDepartment("Engineering").setDivision("Product"));
        return user;
    }

    @Test
    void createWhenNewThen201AndTheClientSeesTheUserItProvisioned() throws ScimException {
        UserResource created = scim.create("Users", newHire("oid-nina"));

        assertThat(created.getId()).isNotBlank();
        assertThat(created.getExternalId()).isEqualTo("oid-nina");
        assertThat(created.getUserName()).isEqualTo("nina@acme.example");
        assertThat(created.getName().getMiddleName()).isEqualTo("M");
        assertThat(created.getTitle()).isEqualTo("Engineer");
        assertThat(created.getExtension(EnterpriseUserExtension.class).getDepartment())
                .isEqualTo("Engineering");
        assertThat(created.getMeta().getVersion()).startsWith("W/\"");
        // No membership yet, and still in the client's view: the lookup IdPs make before they create finds it.
        ListResponse<UserResource> found = scim.searchRequest("Users")
                .filter("userName eq \"nina@acme.example\"")
                .invoke(UserResource.class);
        assertThat(found.getResources()).extracting(UserResource::getId).containsExactly(created.getId());
        assertThat(jdbc.sql("SELECT provider, external_id, first_name, department, is_active FROM users WHERE id ="
                                + " CAST(:id AS uuid)")
                        .param("id", created.getId())
                        .query()
                        .singleRow())
                .containsEntry("provider", sync.provider())
                .containsEntry("external_id", "oid-nina")
                .containsEntry("first_name", "Nina")
                .containsEntry("department", "Engineering")
                .containsEntry("is_active", true);
        assertThat(jdbc.sql("SELECT count(*) FROM scim_provisioned_users WHERE scim_client_id = CAST(:c AS uuid)"
                                + " AND user_id = CAST(:u AS uuid)")
                        .param("c", client.id())
                        .param("u", created.getId())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(audit(created.getId())).containsExactly("scim_client:" + client.id() + " user.provisioned");
        // Another client does not see it.
        Client other = scimClient("Okta", globex);
        assertThat(scim(other.token(), "/Users/" + created.getId()).status()).isEqualTo(404);
    }

    @Test
    void createAnswersLocationAndEtagHeaders() {
        Http.Response response = http.postJson(
                "/scim/v2/Users",
                client.token(),
                "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"olga@acme.example\"}",
                Map.of());

        assertThat(response.status()).as(response.body()).isEqualTo(201);
        String id = response.json().path("id").asString();
        assertThat(response.header("Location")).endsWith("/scim/v2/Users/" + id);
        assertThat(response.header("ETag"))
                .isEqualTo(response.json().path("meta").path("version").asString());
        assertThat(response.contentType()).startsWith("application/scim+json");
        // Without externalId the user is keyed by userName; without emails, a userName that is an address is one.
        assertThat(response.json().path("externalId").asString()).isEqualTo("olga@acme.example");
        assertThat(response.json().path("emails").get(0).path("value").asString())
                .isEqualTo("olga@acme.example");
    }

    @Test
    void createWhenExternalIdOrUserNameIsTakenInTheClientsViewThen409Uniqueness() throws ScimException {
        scim.create("Users", newHire("oid-nina"));

        assertThatThrownBy(() -> scim.create("Users", newHire("oid-nina")))
                .isInstanceOf(ResourceConflictException.class)
                .satisfies(e -> assertThat(((ScimException) e).getScimError().getScimType())
                        .isEqualTo("uniqueness"));
        UserResource sameName = newHire("oid-other");
        sameName.setUserName("ALICE");
        assertThatThrownBy(() -> scim.create("Users", sameName)).isInstanceOf(ResourceConflictException.class);
        assertThat(jdbc.sql("SELECT count(*) FROM users WHERE external_id = 'oid-other'")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void createWhenTheUserSignedInFirstThenTheyAreOneUser() throws ScimException {
        String signedIn = user(
                "nina@acme.example",
                Map.of("provider", sync.provider(), "external_id", "oid-nina", "email_verified", true));

        UserResource created = scim.create("Users", newHire("oid-nina"));

        assertThat(created.getId()).isEqualTo(signedIn);
        assertThat(jdbc.sql("SELECT count(*) FROM users WHERE external_id = 'oid-nina'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        // The same address keeps the verification the sign-in gave it.
        assertThat(jdbc.sql("SELECT email_verified FROM users WHERE id = CAST(:id AS uuid)")
                        .param("id", signedIn)
                        .query(Boolean.class)
                        .single())
                .isTrue();
    }

    @Test
    void createThenSignInIsOneUser() throws ScimException {
        UserResource created = scim.create("Users", newHire("oid-nina"));

        signIn("oid-nina", "nina@acme.example", Map.of("email_verified", true));

        assertThat(jdbc.sql("SELECT id::text FROM users WHERE external_id = 'oid-nina'")
                        .query(String.class)
                        .list())
                .containsExactly(created.getId());
    }

    @Test
    void deactivationBeyondTheGuardIs503AndKeepsNothingOfTheWrite() {
        // As many deactivations by the upstream within the hour as the guard allows (50 by default).
        jdbc.sql("""
                INSERT INTO users (id, provider, external_id, email, is_active, deactivated_by, deactivated_at)
                SELECT gen_random_uuid(), 'gone', 'gone-' || i, 'gone' || i || '@x.example', false, 'upstream', now()
                FROM generate_series(1, 50) i
                """).update();

        Http.Response refused = http.patchJson(
                "/scim/v2/Users/" + alice,
                client.token(),
                "{\"Operations\":[{\"op\":\"replace\",\"value\":{\"active\":false,\"displayName\":\"Gone\"}}]}");

        assertScimError(refused, "503", null);
        assertThat(jdbc.sql("SELECT is_active || ' ' || coalesce(display_name, '-') FROM users WHERE id = CAST(:id AS"
                                + " uuid)")
                        .param("id", alice)
                        .query(String.class)
                        .single())
                .isEqualTo("true -");
    }

    @Test
    void renamingToAUserNameTakenInTheViewIs409() throws ScimException {
        UserResource created = scim.create("Users", newHire("oid-nina"));

        Http.Response renamed = http.patchJson(
                "/scim/v2/Users/" + created.getId(),
                client.token(),
                "{\"Operations\":[{\"op\":\"replace\",\"path\":\"userName\",\"value\":\"Alice\"}]}");

        assertScimError(renamed, "409", "uniqueness");
    }

    @Test
    void createWhenTheUpstreamIdBelongsToAnotherTenantsUserThen409AndNothingChanges() {
        UserResource user = newHire("ext-frank@globex.example");

        assertThatThrownBy(() -> scim.create("Users", user)).isInstanceOf(ResourceConflictException.class);
        assertThat(jdbc.sql("SELECT first_name FROM users WHERE id = CAST(:id AS uuid)")
                        .param("id", frank)
                        .query(String.class)
                        .optional())
                .isEmpty();
    }

    @Test
    void replaceStatesTheWholeProfileAndClearsWhatItLeavesOut() throws ScimException {
        UserResource created = scim.create("Users", newHire("oid-nina"));
        created.setName(new Name().setGivenName("Nina").setFamilyName("Novak-Ward"));
        created.setTitle(null);
        created.setExtension(new EnterpriseUserExtension().setDepartment("Sales"));

        UserResource replaced = scim.replaceRequest(location(created), created).invoke();

        assertThat(replaced.getName().getFamilyName()).isEqualTo("Novak-Ward");
        assertThat(replaced.getName().getMiddleName()).isNull();
        assertThat(replaced.getTitle()).isNull();
        assertThat(replaced.getExtension(EnterpriseUserExtension.class).getDepartment())
                .isEqualTo("Sales");
        assertThat(replaced.getExtension(EnterpriseUserExtension.class).getDivision())
                .isNull();
        assertThat(jdbc.sql("SELECT middle_name, last_name, position_title FROM users WHERE id = CAST(:id AS uuid)")
                        .param("id", created.getId())
                        .query()
                        .singleRow())
                .containsEntry("middle_name", null)
                .containsEntry("last_name", "Novak-Ward")
                .containsEntry("position_title", null);
    }

    @Test
    void patchAddsReplacesAndRemovesWithAndWithoutValueFilters() throws ScimException {
        UserResource created = scim.create("Users", newHire("oid-nina"));

        UserResource patched = patch(
                created.getId(),
                PatchOperation.replace("name.givenName", "Nadia"),
                PatchOperation.replace("emails[type eq \"work\"].value", "nadia@acme.example"),
                PatchOperation.remove("title"),
                PatchOperation.replace(ENTERPRISE + ":department", "Research"));

        assertThat(patched.getName().getGivenName()).isEqualTo("Nadia");
        assertThat(patched.getName().getFamilyName()).isEqualTo("Novak");
        assertThat(patched.getEmails()).extracting(Email::getValue).containsExactly("nadia@acme.example");
        assertThat(patched.getTitle()).isNull();
        assertThat(patched.getExtension(EnterpriseUserExtension.class).getDepartment())
                .isEqualTo("Research");
        assertThat(jdbc.sql("SELECT first_name, email, department FROM users WHERE id = CAST(:id AS uuid)")
                        .param("id", created.getId())
                        .query()
                        .singleRow())
                .containsEntry("first_name", "Nadia")
                .containsEntry("email", "nadia@acme.example")
                .containsEntry("department", "Research");
    }

    @Test
    void writesWithAStaleIfMatchAre412AndChangeNothing() throws ScimException {
        UserResource created = scim.create("Users", newHire("oid-nina"));
        String stale = created.getMeta().getVersion();
        created.setDisplayName("Nina N.");
        UserResource replaced =
                scim.replaceRequest(location(created), created).ifMatch().invoke();
        assertThat(replaced.getMeta().getVersion()).isNotEqualTo(stale);

        Http.Response patch = http.patchJson(
                "/scim/v2/Users/" + created.getId(),
                client.token(),
                "{\"Operations\":[{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"X\"}]}",
                Map.of("If-Match", stale));
        assertScimError(patch, "412", null);
        assertThatThrownBy(() -> scim.deleteRequest("Users", created.getId())
                        .ifMatch(stale)
                        .invoke())
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(scim.retrieve("Users", created.getId(), UserResource.class).getDisplayName())
                .isEqualTo("Nina N.");
        Http.Response current = http.patchJson(
                "/scim/v2/Users/" + created.getId(),
                client.token(),
                "{\"Operations\":[{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"Y\"}]}",
                Map.of("If-Match", replaced.getMeta().getVersion()));
        assertThat(current.status()).as(current.body()).isEqualTo(200);
        assertThat(current.header("ETag")).isNotEqualTo(replaced.getMeta().getVersion());
    }

    @Test
    void activeFalseDeactivatesThroughSyncAndTrueReactivates() throws ScimException {
        UserResource deactivated = patch(alice, PatchOperation.replace("active", false));

        assertThat(deactivated.getActive()).isFalse();
        assertThat(jdbc.sql("SELECT is_active, deactivated_by FROM users WHERE id = CAST(:id AS uuid)")
                        .param("id", alice)
                        .query()
                        .singleRow())
                .containsEntry("is_active", false)
                .containsEntry("deactivated_by", "upstream");
        assertThat(outbox(alice)).containsExactly("user.deactivated upstream");

        UserResource reactivated = patch(alice, PatchOperation.replace("active", true));

        assertThat(reactivated.getActive()).isTrue();
        assertThat(outbox(alice)).containsExactly("user.deactivated upstream", "user.reactivated upstream");
        assertThat(audit(alice))
                .containsExactly(
                        "scim_client:" + client.id() + " user.deprovisioned",
                        "scim_client:" + client.id() + " user.reactivated");
    }

    @Test
    void deleteDeprovisionsAndAUserOnlyProvisionedLeavesTheView() throws ScimException {
        UserResource created = scim.create("Users", newHire("oid-nina"));

        scim.delete("Users", created.getId());

        assertThat(jdbc.sql("SELECT is_active FROM users WHERE id = CAST(:id AS uuid)")
                        .param("id", created.getId())
                        .query(Boolean.class)
                        .single())
                .isFalse();
        assertThatThrownBy(() -> scim.retrieve("Users", created.getId(), UserResource.class))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThat(outbox(created.getId())).containsExactly("user.deactivated upstream");
        // A member of the client's tenant stays in view, inactive, memberships kept.
        scim.delete("Users", alice);
        assertThat(scim.retrieve("Users", alice, UserResource.class).getActive())
                .isFalse();
        assertThat(jdbc.sql("SELECT count(*) FROM memberships WHERE user_id = CAST(:id AS uuid)")
                        .param("id", alice)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void aClientCannotChangeOrDeleteAnotherTenantsUser() {
        String body = "{\"userName\":\"frank\",\"emails\":[{\"value\":\"evil@acme.example\"}]}";

        assertScimError(http.putJson("/scim/v2/Users/" + frank, client.token(), body), "404", null);
        assertScimError(
                http.patchJson(
                        "/scim/v2/Users/" + frank,
                        client.token(),
                        "{\"Operations\":[{\"op\":\"replace\",\"path\":\"active\",\"value\":false}]}"),
                "404",
                null);
        assertScimError(http.delete("/scim/v2/Users/" + frank, client.token()), "404", null);
        assertThat(jdbc.sql("SELECT email || ' ' || is_active FROM users WHERE id = CAST(:id AS uuid)")
                        .param("id", frank)
                        .query(String.class)
                        .single())
                .isEqualTo("frank@globex.example true");
        assertThat(audit(frank)).isEmpty();
    }

    @Test
    void aUserWhoAlsoBelongsToAnotherTenantIsNotTheClientsToChange() {
        String both = user("bo@acme.example", Map.of("username", "bo", "provider", sync.provider()), acme, globex);

        assertThat(http.get("/scim/v2/Users/" + both, client.token()).status()).isEqualTo(200);
        assertScimError(
                http.patchJson(
                        "/scim/v2/Users/" + both,
                        client.token(),
                        "{\"Operations\":[{\"op\":\"replace\",\"path\":\"active\",\"value\":false}]}"),
                "403",
                null);
        assertScimError(http.delete("/scim/v2/Users/" + both, client.token()), "403", null);
        assertThat(jdbc.sql("SELECT is_active FROM users WHERE id = CAST(:id AS uuid)")
                        .param("id", both)
                        .query(Boolean.class)
                        .single())
                .isTrue();
    }

    @Test
    void badWritesAreScimErrorsNeverAServerError() {
        String users = "/scim/v2/Users";
        String one = users + "/" + alice;
        assertScimError(http.postJson(users, client.token(), "{not json", Map.of()), "400", "invalidSyntax");
        assertScimError(http.postJson(users, client.token(), "[]", Map.of()), "400", "invalidSyntax");
        assertScimError(http.postJson(users, client.token(), "{\"userName\":5}", Map.of()), "400", "invalidValue");
        assertScimError(
                http.postJson(users, client.token(), "{\"userName\":\"no-address\"}", Map.of()), "400", "invalidValue");
        assertScimError(
                http.postJson(
                        users, client.token(), "{\"userName\":\"x@acme.example\",\"active\":\"maybe\"}", Map.of()),
                "400",
                "invalidValue");
        assertScimError(
                http.putJson(one, client.token(), "{\"userName\":\"alice\",\"externalId\":\"someone-else\"}"),
                "400",
                "mutability");
        assertScimError(
                http.putJson(one, client.token(), "{\"userName\":\"alice\",\"name\":\"Al\"}"), "400", "invalidValue");
        assertScimError(http.patchJson(one, client.token(), "{}"), "400", "invalidSyntax");
        assertScimError(
                http.patchJson(one, client.token(), "{\"Operations\":[{\"op\":\"move\",\"path\":\"title\"}]}"),
                "400",
                "invalidSyntax");
        assertScimError(
                http.patchJson(one, client.token(), "{\"Operations\":[{\"op\":\"remove\"}]}"), "400", "noTarget");
        assertScimError(
                http.patchJson(
                        one, client.token(), "{\"Operations\":[{\"op\":\"add\",\"path\":\"title[\",\"value\":\"x\"}]}"),
                "400",
                "invalidPath");
        assertScimError(http.putJson(users + "/not-an-id", client.token(), "{}"), "404", null);
        assertScimError(http.delete(users, client.token()), "405", null);
    }

    private List<String> audit(String userId) {
        return jdbc.sql("SELECT actor || ' ' || action FROM audit_log WHERE target = :t ORDER BY id")
                .param("t", "user:" + userId)
                .query(String.class)
                .list();
    }

    private List<String> outbox(String userId) {
        return jdbc.sql("SELECT event_type || ' ' || origin FROM outbox WHERE aggregate_id = :id ORDER BY id")
                .param("id", userId)
                .query(String.class)
                .list();
    }

    /**
     * A PATCH built and read by the SCIM library ({@link PatchRequest}, {@link UserResource}), sent over the JDK's
     * client: Jersey's default connector cannot send PATCH on this JDK without opening {@code java.net}.
     */
    private UserResource patch(String id, PatchOperation... operations) {
        try {
            PatchRequest request = new PatchRequest(List.of(operations));
            Http.Response response = http.patchJson(
                    "/scim/v2/Users/" + id,
                    client.token(),
                    JsonUtils.getObjectWriter().writeValueAsString(request));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            return JsonUtils.getObjectReader().forType(UserResource.class).readValue(response.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The resource's URL at the test server (meta.location names the configured public URL). */
    private java.net.URI location(UserResource user) {
        return java.net.URI.create("http://127.0.0.1:" + port + "/scim/v2/Users/" + user.getId());
    }

    @Test
    void aChangeThatNamesNoManagerLeavesOneTheClientDoesNotSee() {
        // alice reports to frank, of globex: a manager this client does not see, nor shows.
        jdbc.sql(
                        "UPDATE users SET reports_to_id = CAST(:frank AS uuid), reports_to_external_id = 'ext-frank@globex.example'"
                                + " WHERE id = CAST(:alice AS uuid)")
                .param("frank", frank)
                .param("alice", alice)
                .update();

        Http.Response patched = http.patchJson(
                "/scim/v2/Users/" + alice,
                client.token(),
                "{\"Operations\":[{\"op\":\"replace\",\"path\":\"title\",\"value\":\"Lead\"}]}");

        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(patched.json().path(ENTERPRISE).has("manager")).isFalse();
        assertThat(jdbc.sql("SELECT position_title || ' ' || reports_to_id FROM users WHERE id = CAST(:alice AS uuid)")
                        .param("alice", alice)
                        .query(String.class)
                        .single())
                .isEqualTo("Lead " + frank);
    }
}
