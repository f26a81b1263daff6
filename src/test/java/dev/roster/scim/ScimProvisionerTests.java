package dev.roster.scim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import dev.roster.sync.UserSync;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Requests as Microsoft Entra ID and Okta send them, replayed as raw HTTP: the shapes the RFC does not foresee
 * (docs/provisioning.md, "What Entra ID and Okta send", has the sources). Each test is one provisioning cycle: the
 * lookup before the create, the create, the updates, the deprovisioning.
 */
class ScimProvisionerTests extends ScimTest {

    static final String ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    @Autowired
    UserSync sync;

    Client client;
    String acme;
    String manager;

    @BeforeEach
    void fixture() {
        acme = tenant("acme");
        manager = user(
                "mona@contoso.com",
                Map.of("username", "mona@contoso.com", "provider", sync.provider(), "external_id", "oid-mona"),
                acme);
        client = scimClient("Entra ID", acme);
    }

    @Test
    void entraIdProvisioningCycle() {
        // 1. The lookup before the create finds nobody.
        Http.Response lookup = scim(client.token(), "/Users?filter=" + q("userName eq \"Test_User@contoso.com\""));
        assertThat(lookup.status()).isEqualTo(200);
        assertThat(lookup.json().path("totalResults").asInt()).isZero();

        // 2. The create, as Entra ID's default mapping sends it (externalId configured to the objectId).
        Http.Response created = post("""
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User",
                            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                 "externalId":"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
                 "userName":"Test_User@contoso.com",
                 "active":true,
                 "displayName":"Test User",
                 "emails":[{"primary":true,"type":"work","value":"Test_User@contoso.com"}],
                 "meta":{"resourceType":"User"},
                 "name":{"formatted":"givenName familyName","familyName":"familyName","givenName":"givenName"},
                 "addresses":[{"type":"work","formatted":"1 Main St","country":"US"}],
                 "phoneNumbers":[{"type":"work","value":"+1 555 0100"}],
                 "roles":[]}
                """);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();
        String path = "/scim/v2/Users/" + id;
        assertThat(scim(client.token(), "/Users?filter=" + q("externalId eq \"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef\""))
                        .json()
                        .path("totalResults")
                        .asInt())
                .isEqualTo(1);

        // 3. PATCH without path, dotted names and an extension attribute by its full name, capitalised op.
        Http.Response dotted = patch(path, """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"Replace","value":{
                     "name.givenName":"Nina",
                     "name.formatted":"Nina familyName",
                     "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department":"Research",
                     "displayName":"Nina F."}}]}
                """);
        assertThat(dotted.status()).as(dotted.body()).isEqualTo(200);
        assertThat(dotted.json().path("name").path("givenName").asString()).isEqualTo("Nina");
        assertThat(dotted.json().path("name").path("familyName").asString()).isEqualTo("familyName");
        assertThat(dotted.json().path(ENTERPRISE).path("department").asString()).isEqualTo("Research");

        // 4. replace on a value filter; a filter that matches nothing; attributes Roster does not store; the manager
        //    as a bare id.
        Http.Response filtered = patch(path, """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[
                   {"op":"Replace","path":"emails[type eq \\"work\\"].value","value":"nina@contoso.com"},
                   {"op":"Replace","path":"emails[type eq \\"home\\"].value","value":"nina@home.example"},
                   {"op":"Add","path":"addresses[type eq \\"work\\"].formatted","value":"Columbus"},
                   {"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
                    "value":"%s"}]}
                """.formatted(manager));
        assertThat(filtered.status()).as(filtered.body()).isEqualTo(200);
        assertThat(filtered.json().path("emails").get(0).path("value").asString())
                .isEqualTo("nina@contoso.com");
        assertThat(filtered.json()
                        .path(ENTERPRISE)
                        .path("manager")
                        .path("value")
                        .asString())
                .isEqualTo(manager);

        // 5. Disabled in Entra: active as the string "False".
        Http.Response disabled = patch(path, """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"Replace","path":"active","value":"False"}]}
                """);
        assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
        assertThat(disabled.json().path("active").asBoolean()).isFalse();
        assertThat(row(id))
                .containsEntry("email", "nina@contoso.com")
                .containsEntry("first_name", "Nina")
                .containsEntry("department", "Research")
                .containsEntry("is_active", false);
        assertThat(jdbc.sql("SELECT reports_to_id::text FROM users WHERE id = CAST(:id AS uuid)")
                        .param("id", id)
                        .query(String.class)
                        .single())
                .isEqualTo(manager);

        // 6. Re-enabled, then deleted.
        assertThat(patch(path, """
                                {"Operations":[{"op":"Replace","path":"active","value":"True"}]}
                                """).json().path("active").asBoolean()).isTrue();
        assertThat(http.delete(path, client.token()).status()).isEqualTo(204);
        assertThat(row(id)).containsEntry("is_active", false);
        assertThat(scim(client.token(), "/Users/" + id).status()).isEqualTo(404);
    }

    @Test
    void oktaProvisioningCycle() {
        Http.Response lookup = scim(
                client.token(),
                "/Users?filter=" + q("userName eq \"test.user@okta.local\"") + "&startIndex=1&count=100");
        assertThat(lookup.json().path("totalResults").asInt()).isZero();

        // Okta's create carries a password and groups: neither is stored.
        Http.Response created = post("""
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
                 "userName":"test.user@okta.local",
                 "name":{"givenName":"Test","familyName":"User"},
                 "emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],
                 "displayName":"Test User",
                 "locale":"en-US",
                 "externalId":"00ujl29u0le5T6Aj10h7",
                 "groups":[],
                 "password":"1mz050nq",
                 "active":true}
                """);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode user = created.json();
        String id = user.path("id").asString();
        String path = "/scim/v2/Users/" + id;

        // Deactivation: a PATCH without path.
        Http.Response deactivated = patch(path, """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"replace","value":{"active":false}}]}
                """);
        assertThat(deactivated.status()).as(deactivated.body()).isEqualTo(200);
        assertThat(row(id)).containsEntry("is_active", false).containsEntry("deactivated_by", "upstream");

        // Profile updates and reactivation: a PUT with the whole resource, as Okta read it (id, meta and all).
        Http.Response replaced = http.putJson(path, client.token(), """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
                 "id":"%s",
                 "userName":"test.user@okta.local",
                 "name":{"givenName":"Tess","familyName":"User"},
                 "emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],
                 "displayName":"Tess User",
                 "externalId":"00ujl29u0le5T6Aj10h7",
                 "active":true,
                 "meta":{"resourceType":"User"}}
                """.formatted(id));
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
        assertThat(replaced.json().path("active").asBoolean()).isTrue();
        assertThat(row(id))
                .containsEntry("first_name", "Tess")
                .containsEntry("display_name", "Tess User")
                .containsEntry("is_active", true);
        assertThat(jdbc.sql("SELECT action FROM audit_log WHERE target = :t ORDER BY id")
                        .param("t", "user:" + id)
                        .query(String.class)
                        .list())
                .containsExactly("user.provisioned", "user.deprovisioned", "user.reactivated");
    }

    private Http.Response post(String json) {
        return http.send(http.request("/scim/v2/Users", client.token())
                .header("Content-Type", "application/scim+json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)));
    }

    private Http.Response patch(String path, String json) {
        return http.patchJson(path, client.token(), json);
    }

    private Map<String, Object> row(String id) {
        return jdbc.sql("SELECT email, first_name, display_name, department, is_active, deactivated_by FROM users"
                        + " WHERE id = CAST(:id AS uuid)")
                .param("id", id)
                .query()
                .singleRow();
    }
}
