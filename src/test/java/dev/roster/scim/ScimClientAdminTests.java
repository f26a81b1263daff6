package dev.roster.scim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code /v1/scim-clients}: tokens shown once and stored hashed, tenants checked, rotation with overlap, audit. */
class ScimClientAdminTests extends ScimTest {

    @Test
    void createAnswersTheTokenOnceAndStoresOnlyItsHash() throws Exception {
        String acme = tenant("acme");

        Http.Response created = http.postJson(
                "/v1/scim-clients", admin, "{\"name\":\"Entra ID\",\"tenant_ids\":[\"" + acme + "\"]}", Map.of());

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Cache-Control")).isEqualTo("no-store");
        JsonNode body = created.json();
        String id = body.path("id").asString();
        String token = body.path("token").asString();
        assertThat(created.header("Location")).isEqualTo("/v1/scim-clients/" + id);
        assertThat(body.path("name").asString()).isEqualTo("Entra ID");
        assertThat(body.path("tenant_ids").get(0).asString()).isEqualTo(acme);
        assertThat(token).startsWith("scim_").hasSizeGreaterThan(40);
        assertThat(body.path("version").asLong()).isPositive();
        byte[] stored = jdbc.sql("SELECT token_hash FROM scim_client_tokens WHERE client_id = CAST(:id AS uuid)")
                .param("id", id)
                .query(byte[].class)
                .single();
        assertThat(stored)
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));

        Http.Response read = http.get("/v1/scim-clients/" + id, admin);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body()).doesNotContain(token).doesNotContain("\"token\"");
        assertThat(read.json().path("token_created_at").isNull()).isFalse();
        assertThat(read.json().path("previous_token_expires_at").isNull()).isTrue();
        assertThat(auditActions(id)).containsExactly("scim_client.created");
        assertThat(scim(token, "/ServiceProviderConfig").status()).isEqualTo(200);
    }

    @Test
    void createRefusesTenantsItCannotProvision() {
        String acme = tenant("acme");
        String gone = tenant("gone");
        jdbc.sql("UPDATE tenants SET deleted_at = now() WHERE id = CAST(:id AS uuid)")
                .param("id", gone)
                .update();

        for (String tenants : new String[] {
            "[]",
            "[\"" + gone + "\"]",
            "[\"00000000-0000-0000-0000-000000000000\"]",
            "[\"" + acme + "\",\"11111111-1111-1111-1111-111111111111\"]",
            "[\"not-a-uuid\"]",
            "[42]"
        }) {
            Http.Response refused = http.postJson(
                    "/v1/scim-clients", admin, "{\"name\":\"x\",\"tenant_ids\":" + tenants + "}", Map.of());
            assertThat(refused.status()).as(tenants).isEqualTo(400);
            assertThat(refused.json().path("code").asString()).isEqualTo("invalid_field");
            assertThat(refused.json().path("detail").asString()).contains("tenant_ids");
        }
        Http.Response noName =
                http.postJson("/v1/scim-clients", admin, "{\"tenant_ids\":[\"" + acme + "\"]}", Map.of());
        assertThat(noName.status()).isEqualTo(400);
        Http.Response unknownField = http.postJson(
                "/v1/scim-clients", admin, "{\"name\":\"x\",\"tenant_ids\":[\"" + acme + "\"],\"x\":1}", Map.of());
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(jdbc.sql("SELECT count(*) FROM scim_clients")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void listAndGetShowClientsWithoutTokens() {
        String acme = tenant("acme");
        String globex = tenant("globex");
        Client first = scimClient("Entra", acme);
        Client second = scimClient("Okta", acme, globex);

        Http.Response list = http.get("/v1/scim-clients?limit=1", admin);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().path("total").asLong()).isEqualTo(2);
        assertThat(list.json().path("items")).hasSize(1);
        Http.Response next = http.get(
                "/v1/scim-clients?limit=1&cursor="
                        + list.json().path("next_cursor").asString(),
                admin);
        assertThat(next.json().path("items")).hasSize(1);
        assertThat(list.body() + next.body())
                .contains(first.id(), second.id())
                .doesNotContain(first.token(), second.token());

        JsonNode okta = http.get("/v1/scim-clients/" + second.id(), admin).json();
        assertThat(okta.path("tenant_ids")).hasSize(2);

        Http.Response unknown = http.get("/v1/scim-clients/" + java.util.UUID.randomUUID(), admin);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("code").asString()).isEqualTo("scim_client_not_found");
    }

    @Test
    void rotationKeepsThePreviousTokenForTheOverlapAndEndsTheOneBefore() {
        String acme = tenant("acme");
        Client client = scimClient("Entra", acme);

        Http.Response rotated = http.post("/v1/scim-clients/" + client.id() + "/token:rotate", admin);
        assertThat(rotated.status()).isEqualTo(200);
        assertThat(rotated.header("Cache-Control")).isEqualTo("no-store");
        String second = rotated.json().path("token").asString();
        assertThat(second).startsWith("scim_").isNotEqualTo(client.token());
        assertThat(rotated.json().path("previous_token_expires_at").isNull()).isFalse();
        assertThat(scim(client.token(), "/ServiceProviderConfig").status()).isEqualTo(200);
        assertThat(scim(second, "/ServiceProviderConfig").status()).isEqualTo(200);

        String third = http.post("/v1/scim-clients/" + client.id() + "/token:rotate", admin)
                .json()
                .path("token")
                .asString();
        assertThat(scim(client.token(), "/ServiceProviderConfig").status()).isEqualTo(401);
        assertThat(scim(second, "/ServiceProviderConfig").status()).isEqualTo(200);
        assertThat(scim(third, "/ServiceProviderConfig").status()).isEqualTo(200);

        // The overlap over: only the newest works.
        jdbc.sql("UPDATE scim_client_tokens SET expires_at = now() - interval '1 second' WHERE expires_at IS NOT NULL")
                .update();
        assertThat(scim(second, "/ServiceProviderConfig").status()).isEqualTo(401);
        assertThat(scim(third, "/ServiceProviderConfig").status()).isEqualTo(200);
        assertThat(auditActions(client.id()))
                .containsExactly("scim_client.created", "scim_client.token_rotated", "scim_client.token_rotated");
        assertThat(jdbc.sql("SELECT after::text FROM audit_log WHERE action = 'scim_client.token_rotated' LIMIT 1")
                        .query(String.class)
                        .single())
                .doesNotContain(second);

        Http.Response unknown = http.post("/v1/scim-clients/" + java.util.UUID.randomUUID() + "/token:rotate", admin);
        assertThat(unknown.status()).isEqualTo(404);
    }

    @Test
    void aLeakedTokenEndsAtOnceWithTheRotationThatReplacesIt() {
        Client client = scimClient("Entra", tenant("acme"));

        Http.Response rotated = http.postJson(
                "/v1/scim-clients/" + client.id() + "/token:rotate", admin, "{\"end_previous\":true}", Map.of());
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        assertThat(rotated.json().path("previous_token_expires_at").isNull()).isTrue();
        assertThat(scim(client.token(), "/ServiceProviderConfig").status()).isEqualTo(401);
        assertThat(scim(rotated.json().path("token").asString(), "/ServiceProviderConfig")
                        .status())
                .isEqualTo(200);

        Http.Response misspelt = http.postJson(
                "/v1/scim-clients/" + client.id() + "/token:rotate", admin, "{\"end_prev\":true}", Map.of());
        assertThat(misspelt.status()).isEqualTo(400);
        assertThat(misspelt.json().path("code").asString()).isEqualTo("invalid_field");
        Http.Response wrongType = http.postJson(
                "/v1/scim-clients/" + client.id() + "/token:rotate", admin, "{\"end_previous\":\"yes\"}", Map.of());
        assertThat(wrongType.status()).isEqualTo(400);
    }

    @Test
    void deletingAClientRefusesItsTokenOnTheNextRequest() {
        String acme = tenant("acme");
        Client client = scimClient("Entra", acme);
        assertThat(scim(client.token(), "/Users").status()).isEqualTo(200);

        Http.Response deleted = http.delete("/v1/scim-clients/" + client.id(), admin);

        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().path("deleted").asBoolean()).isTrue();
        assertThat(scim(client.token(), "/Users").status()).isEqualTo(401);
        assertThat(http.get("/v1/scim-clients/" + client.id(), admin).status()).isEqualTo(404);
        assertThat(http.delete("/v1/scim-clients/" + client.id(), admin).status())
                .isEqualTo(404);
        assertThat(jdbc.sql("SELECT count(*) FROM scim_client_tokens")
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(auditActions(client.id())).containsExactly("scim_client.created", "scim_client.deleted");
    }

    private java.util.List<String> auditActions(String clientId) {
        return jdbc.sql("SELECT action FROM audit_log WHERE target = :t ORDER BY id")
                .param("t", "scim_client:" + clientId)
                .query(String.class)
                .list();
    }
}
