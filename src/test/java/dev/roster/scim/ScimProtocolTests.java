package dev.roster.scim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code /scim/v2} over plain HTTP: the SCIM error format everywhere, who may call it (SCIM client tokens only), and
 * what a client sees (its tenants' users, nobody else's).
 */
class ScimProtocolTests extends ScimTest {

    String acme;
    String globex;
    Client client;

    @BeforeEach
    void tenantsAndClient() {
        acme = tenant("acme");
        globex = tenant("globex");
        client = scimClient("Entra", acme);
    }

    @Test
    void requestsWithoutAScimClientTokenAreRefusedInScimFormat() {
        String userToken =
                signIn("alice", "alice@example.com").path("access_token").asString();
        var refused = new ArrayList<Http.Response>();
        refused.add(http.get("/scim/v2/Users", null));
        refused.add(http.get("/scim/v2/Users", userToken)); // a Roster access token: not for SCIM
        refused.add(http.get("/scim/v2/Users", admin)); // not even a platform admin's
        refused.add(http.get("/scim/v2/Users", "scim_" + "A".repeat(43))); // well-formed, unknown
        refused.add(http.send(http.request("/scim/v2/Users", null).header("Authorization", "Basic " + client.token())));
        refused.add(http.get("/scim/v2/ServiceProviderConfig", null));
        refused.add(http.get("/scim/v2/NoSuchThing", null));

        for (Http.Response response : refused) {
            assertThat(response.status()).as(response.body()).isEqualTo(401);
            assertScimError(response, "401", null);
            assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
        }
        // And the other way round: a SCIM token opens nothing under /v1.
        assertThat(http.get("/v1/me", client.token()).status()).isEqualTo(401);
    }

    @Test
    void everyRefusalUnderScimIsAScimError() {
        assertScimError(scim(client.token(), "/NoSuchThing"), "404", null);
        assertScimError(scim(client.token(), "/Users/" + java.util.UUID.randomUUID()), "404", null);
        assertScimError(scim(client.token(), "/Users/not-an-id"), "404", null);
        assertScimError(scim(client.token(), "/Schemas/urn:nope"), "404", null);
        Http.Response post = http.postJson("/scim/v2/ServiceProviderConfig", client.token(), "{}", Map.of());
        assertScimError(post, "405", null);
        assertThat(post.header("Allow")).contains("GET");
        assertScimError(http.postJson("/scim/v2/Users", client.token(), "{}", Map.of()), "400", "invalidValue");
        assertScimError(scim(client.token(), "/Users?filter=" + q("userName eq")), "400", "invalidFilter");
        assertScimError(scim(client.token(), "/Users?filter=" + q("nickName eq \"x\"")), "400", "invalidFilter");
        assertScimError(scim(client.token(), "/Users?filter=" + q("active eq \"yes\"")), "400", "invalidFilter");
        assertScimError(scim(client.token(), "/Users?filter=" + q("active gt true")), "400", "invalidFilter");
        assertScimError(
                scim(client.token(), "/Users?filter=" + q("meta.created gt \"yesterday\"")), "400", "invalidFilter");
        assertScimError(scim(client.token(), "/Users?filter=" + q("userName[value eq \"x\"]")), "400", "invalidFilter");
        assertScimError(
                scim(client.token(), "/Users?filter=" + q("urn:example:nope:department eq \"x\"")),
                "400",
                "invalidFilter");
        assertScimError(scim(client.token(), "/Users?sortOrder=sideways"), "400", "invalidValue");
        assertScimError(scim(client.token(), "/Users?sortBy=nickName"), "400", "invalidValue");
        assertScimError(scim(client.token(), "/Users?count=many"), "400", "invalidValue");
        assertScimError(scim(client.token(), "/Users?count=1&count=2"), "400", "invalidValue");
        assertScimError(
                scim(client.token(), "/Users?attributes=userName&excludedAttributes=name"), "400", "invalidValue");
        String tooMany = String.join(" or ", java.util.Collections.nCopies(51, "userName eq \"x\""));
        assertScimError(scim(client.token(), "/Users?filter=" + q(tooMany)), "400", "invalidFilter");
        Http.Response html =
                http.send(http.request("/scim/v2/Users", client.token()).header("Accept", "text/html"));
        assertScimError(html, "406", null);
    }

    @Test
    void valuesTheParserOrPostgreSqlWouldChokeOnAreInvalidFilters() {
        // Not scalars (the parser's own cast fails), a NUL (PostgreSQL stores none), a year beyond timestamptz.
        assertScimError(scim(client.token(), "/Users?filter=" + q("userName eq {}")), "400", "invalidFilter");
        assertScimError(scim(client.token(), "/Users?filter=" + q("userName eq [1]")), "400", "invalidFilter");
        assertScimError(scim(client.token(), "/Users?filter=" + q("userName eq \"\\u0000\"")), "400", "invalidFilter");
        assertScimError(
                scim(client.token(), "/Users?filter=" + q("meta.created gt \"+300000-01-01T00:00:00Z\"")),
                "400",
                "invalidFilter");
        assertScimError(scim(client.token(), "/Users?sortBy=" + q("emails[value eq {}]")), "400", "invalidValue");
        assertScimError(scim(client.token(), "/Users?attributes=" + q("emails[value eq {}]")), "400", "invalidValue");
    }

    @Test
    void answersAreScimJsonOrPlainJsonWhenThatIsAsked() {
        Http.Response scimJson = scim(client.token(), "/Users");
        assertThat(scimJson.contentType()).startsWith("application/scim+json");
        assertThat(scimJson.header("Cache-Control")).isEqualTo("no-store");
        Http.Response json =
                http.send(http.request("/scim/v2/Users", client.token()).header("Accept", "application/json"));
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.contentType()).startsWith("application/json");
        assertThat(json.json().path("schemas").get(0).asString())
                .isEqualTo("urn:ietf:params:scim:api:messages:2.0:ListResponse");
    }

    @Test
    void aClientSeesOnlyMembersOfItsTenants() {
        String alice = user("alice@example.com", Map.of("username", "alice"), acme);
        String both = user("carol@example.com", Map.of("username", "carol"), acme, globex);
        String bob = user("bob@example.com", Map.of("username", "bob"), globex);
        user("nobody@example.com", Map.of("username", "nobody"));
        String serviceAccount =
                user("sa@service-accounts.roster.invalid", Map.of("provider", "roster:service-account"), acme);

        assertThat(scim(client.token(), "/Users/" + bob).status()).isEqualTo(404);
        assertThat(scim(client.token(), "/Users/" + serviceAccount).status()).isEqualTo(404);
        assertThat(scim(client.token(), "/Users/" + alice).status()).isEqualTo(200);
        JsonNode all = scim(client.token(), "/Users").json();
        assertThat(all.path("totalResults").asInt()).isEqualTo(2);
        assertThat(ids(all)).containsExactlyInAnyOrder(alice, both);
        JsonNode byName = scim(client.token(), "/Users?filter=" + q("userName eq \"bob\""))
                .json();
        assertThat(byName.path("totalResults").asInt()).isZero();
        assertThat(byName.path("Resources")).isEmpty();
        JsonNode byId = scim(client.token(), "/Users?filter=" + q("id eq \"" + bob + "\""))
                .json();
        assertThat(byId.path("totalResults").asInt()).isZero();

        // The other tenant's client sees the other side.
        Client other = scimClient("Okta", globex);
        assertThat(ids(scim(other.token(), "/Users").json())).containsExactlyInAnyOrder(bob, both);
        assertThat(scim(other.token(), "/Users/" + alice).status()).isEqualTo(404);

        // A tenant deleted after the client was made stops counting at once.
        jdbc.sql("UPDATE tenants SET deleted_at = now() WHERE id = CAST(:id AS uuid)")
                .param("id", acme)
                .update();
        assertThat(scim(client.token(), "/Users").json().path("totalResults").asInt())
                .isZero();
        assertThat(scim(client.token(), "/Users/" + alice).status()).isEqualTo(404);
    }

    @Test
    void filterValuesAreDataNeverSql() {
        user("alice@example.com", Map.of("username", "alice"), acme);
        for (String value :
                List.of("x' OR '1'='1", "a].value eq", "x\" or userName pr or userName eq \"", "%", "_", "\\\\")) {
            Http.Response response =
                    scim(client.token(), "/Users?filter=" + q("userName eq \"" + value.replace("\"", "\\\"") + "\""));
            assertThat(response.status()).as(value).isEqualTo(200);
            assertThat(response.json().path("totalResults").asInt()).as(value).isZero();
        }
        // co with LIKE's wildcards matches them literally.
        assertThat(scim(client.token(), "/Users?filter=" + q("userName co \"%\""))
                        .json()
                        .path("totalResults")
                        .asInt())
                .isZero();
    }

    @Test
    void getAnswersTheUserWithItsVersionAsETagAndHonoursIfNoneMatch() {
        String alice = user("alice@example.com", Map.of("username", "alice"), acme);

        Http.Response first = scim(client.token(), "/Users/" + alice);
        String etag = first.header("ETag");
        assertThat(etag).startsWith("W/\"");
        assertThat(first.json().path("meta").path("version").asString()).isEqualTo(etag);
        Http.Response unchanged = http.send(
                http.request("/scim/v2/Users/" + alice, client.token()).header("If-None-Match", etag));
        assertThat(unchanged.status()).isEqualTo(304);
        assertThat(unchanged.body()).isEmpty();

        jdbc.sql("UPDATE users SET department = 'R&D', updated_at = now() + interval '1 second'"
                        + " WHERE id = CAST(:id AS uuid)")
                .param("id", alice)
                .update();
        Http.Response changed = http.send(
                http.request("/scim/v2/Users/" + alice, client.token()).header("If-None-Match", etag));
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.header("ETag")).isNotEqualTo(etag);
        assertThat(changed.json()
                        .path("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
                        .path("department")
                        .asString())
                .isEqualTo("R&D");
    }

    private static List<String> ids(JsonNode list) {
        var ids = new ArrayList<String>();
        list.path("Resources").forEach(r -> ids.add(r.path("id").asString()));
        return ids;
    }

    static void assertScimError(Http.Response response, String status, String scimType) {
        assertThat(String.valueOf(response.status())).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/scim+json");
        JsonNode body = response.json();
        assertThat(body.path("schemas").get(0).asString()).isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
        assertThat(body.path("status").asString()).isEqualTo(status);
        assertThat(body.path("detail").asString()).isNotBlank();
        if (scimType == null) {
            assertThat(body.has("scimType")).isFalse();
        } else {
            assertThat(body.path("scimType").asString()).isEqualTo(scimType);
        }
    }
}
