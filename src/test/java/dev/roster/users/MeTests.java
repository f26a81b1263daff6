package dev.roster.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import dev.roster.support.TestInfrastructure;
import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class MeTests extends IntegrationTest {

    String token;
    String acmeId;

    @BeforeEach
    void signInWithTwoTenants() {
        token = signIn("me-1", "me@example.com", roles("operator", "acme", "viewer", "globex"))
                .path("access_token")
                .asString();
        acmeId = jdbc.sql("SELECT id::text FROM tenants WHERE external_id = 'acme'")
                .query(String.class)
                .single();
    }

    @Test
    void roleInATenantIsAnsweredFromTheMembership() {
        Http.Response response = http.get("/v1/me/role?tenant_id=" + acmeId, token);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("tenant_id").asString()).isEqualTo(acmeId);
        assertThat(response.json().path("role").asString()).isEqualTo("operator");
    }

    @Test
    void noMembershipInTheTenantIs404() {
        Http.Response response = http.get("/v1/me/role?tenant_id=" + UUID.randomUUID(), token);

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().path("code").asString()).isEqualTo("membership_not_found");
    }

    @Test
    void aMalformedOrMissingTenantIdIs400() {
        Http.Response malformed = http.get("/v1/me/role?tenant_id=acme'--", token);
        Http.Response missing = http.get("/v1/me/role", token);

        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.contentType()).startsWith("application/problem+json");
        assertThat(malformed.json().path("code").asString()).isEqualTo("invalid_parameter");
        assertThat(malformed.body()).doesNotContain("Exception").doesNotContain("java.");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("code").asString()).isEqualTo("missing_parameter");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"%00", "%20", "+", "%0A", "%09"})
    void aTenantIdWithAnythingAroundItIs400NotReadAsTheId(String suffix) {
        Http.Response response = http.get("/v1/me/role?tenant_id=" + acmeId + suffix, token);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("code").asString()).isEqualTo("invalid_parameter");
    }

    @Test
    void aRepeatedTenantIdIs400NotAnsweredForTheFirst() {
        Http.Response twoValues =
                http.get("/v1/me/role?tenant_id=" + acmeId + "&tenant_id=" + UUID.randomUUID(), token);
        Http.Response sameTwice = http.get("/v1/me/role?tenant_id=" + acmeId + "&tenant_id=" + acmeId, token);

        assertThat(twoValues.status()).isEqualTo(400);
        assertThat(twoValues.json().path("code").asString()).isEqualTo("invalid_parameter");
        assertThat(twoValues.json().path("detail").asString()).contains("tenant_id");
        assertThat(sameTwice.status()).isEqualTo(400);
        assertThat(http.get("/v1/me/role?tenant_id=" + acmeId, token).status()).isEqualTo(200);
    }

    @Test
    void aRoleChangeThroughTheAdminApiShowsOnTheVeryNextRequest() {
        String admin = signInAsPlatformAdmin();
        assertThat(http.get("/v1/me/role?tenant_id=" + acmeId, token)
                        .json()
                        .path("role")
                        .asString())
                .isEqualTo("operator");

        assertThat(assign(admin, acmeId, userId("me@example.com"), "viewer").status())
                .isEqualTo(200);

        // No waiting: the writing node evicted its cache before the assignment answered.
        assertThat(http.get("/v1/me/role?tenant_id=" + acmeId, token)
                        .json()
                        .path("role")
                        .asString())
                .isEqualTo("viewer");
    }

    @Test
    void theServedJsonOfTheViewChangesWithTheViewAndWithNothingElse() {
        String admin = signInAsPlatformAdmin();
        Http.Response before = http.get("/v1/me", token);
        assertThat(http.get("/v1/me", token).body()).isEqualTo(before.body());
        assertThat(before.contentType()).startsWith("application/json");
        assertThat(before.json().path("memberships").get(0).path("role").asString())
                .isEqualTo("operator");

        assign(admin, acmeId, userId("me@example.com"), "viewer");

        assertThat(http.get("/v1/me", token)
                        .json()
                        .path("memberships")
                        .get(0)
                        .path("role")
                        .asString())
                .isEqualTo("viewer");
        // The body is still described as the view in the OpenAPI document.
        assertThat(http.get("/v3/api-docs", null)
                        .json()
                        .path("paths")
                        .path("/v1/me")
                        .path("get")
                        .path("responses")
                        .path("200")
                        .toString())
                .contains("#/components/schemas/Me");
    }

    @Test
    void aTenantRenameThroughTheAdminApiShowsInMembersViewsOnTheVeryNextRequest() {
        String admin = signInAsPlatformAdmin();
        assertThat(http.get("/v1/me", token)
                        .json()
                        .path("memberships")
                        .get(0)
                        .path("name")
                        .asString())
                .isEqualTo("acme");

        assertThat(http.patchJson("/v1/tenants/" + acmeId, admin, "{\"name\":\"Acme Corporation\"}")
                        .status())
                .isEqualTo(200);

        assertThat(http.get("/v1/me", token)
                        .json()
                        .path("memberships")
                        .get(0)
                        .path("name")
                        .asString())
                .isEqualTo("Acme Corporation");
    }

    @Test
    void aDeletedTenantLeavesMembersViewsOnTheVeryNextRequest() {
        String admin = signInAsPlatformAdmin();
        assertThat(http.get("/v1/me", token).json().path("memberships")).hasSize(2);

        assertThat(http.delete("/v1/tenants/" + acmeId, admin).status()).isEqualTo(200);

        JsonNode memberships = http.get("/v1/me", token).json().path("memberships");
        assertThat(memberships).hasSize(1);
        assertThat(memberships.get(0).path("slug").asString()).isEqualTo("globex");
        assertThat(http.get("/v1/me/role?tenant_id=" + acmeId, token).status()).isEqualTo(404);
    }

    @Test
    void settingsAreMergePatchedAndKept() {
        Http.Response first = http.patchJson(
                "/v1/me/settings", token, "{\"theme\":\"dark\",\"ui\":{\"density\":\"compact\",\"lang\":\"en\"}}");
        Http.Response second = http.patchJson("/v1/me/settings", token, "{\"theme\":null,\"ui\":{\"lang\":\"de\"}}");

        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        JsonNode expected = JsonMapper.builder().build().readTree("{\"ui\":{\"density\":\"compact\",\"lang\":\"de\"}}");
        assertThat(second.json()).isEqualTo(expected);
        assertThat(http.get("/v1/me", token).json().path("settings")).isEqualTo(expected);
        assertThat(jdbc.sql("SELECT settings->'ui'->>'lang' FROM users")
                        .query(String.class)
                        .single())
                .isEqualTo("de");
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE action = 'user.settings.updated'")
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
    }

    @Test
    void settingsMustBeAJsonObjectOfBoundedSize() {
        Http.Response array = http.patchJson("/v1/me/settings", token, "[1,2]");
        Http.Response broken = http.patchJson("/v1/me/settings", token, "{\"theme\":");
        Http.Response huge = http.patchJson("/v1/me/settings", token, "{\"x\":\"" + "a".repeat(20_000) + "\"}");

        assertThat(array.status()).isEqualTo(400);
        assertThat(array.json().path("code").asString()).isEqualTo("invalid_settings");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.json().path("code").asString()).isEqualTo("malformed_body");
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.json().path("code").asString()).isEqualTo("payload_too_large");
        assertThat(jdbc.sql("SELECT settings::text FROM users")
                        .query(String.class)
                        .single())
                .isEqualTo("{}");
    }

    @Test
    void aNulCharacterInSettingsIsA400NotA500() {
        Http.Response inValue = http.patchJson("/v1/me/settings", token, "{\"a\":\"x\\u0000y\"}");
        Http.Response inKey = http.patchJson("/v1/me/settings", token, "{\"nested\":{\"k\\u0000\":1}}");

        assertThat(inValue.status()).isEqualTo(400);
        assertThat(inValue.json().path("code").asString()).isEqualTo("invalid_settings");
        assertThat(inKey.status()).isEqualTo(400);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "{\"lone\":\"\\ud800\"}",
                "{\"low\":\"x\\udc00y\"}",
                "{\"\\ud800key\":1}",
                "{\"ui\":{\"deep\":[\"ok\",{\"x\":\"\\udfff\"}]}}",
                "{\"ui\":{\"k\\u0000\":true}}",
                "{\"list\":[\"a\\u0000\"]}"
            })
    void textThatJsonbCannotStoreExactlyIsRefusedNotAltered(String body) {
        Http.Response response = http.patchJson("/v1/me/settings", token, body);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("code").asString()).isEqualTo("invalid_settings");
        assertThat(jdbc.sql("SELECT settings::text FROM users")
                        .query(String.class)
                        .single())
                .isEqualTo("{}");
    }

    @Test
    void surrogatePairsAndOtherControlCharactersInSettingsAreStoredExactly() {
        Http.Response response =
                http.patchJson("/v1/me/settings", token, "{\"emoji\":\"\\ud83d\\ude00\",\"note\":\"a\\nb\\tc\"}");

        assertThat(response.status()).isEqualTo(200);
        JsonNode settings = http.get("/v1/me", token).json().path("settings");
        assertThat(settings.path("emoji").asString()).isEqualTo("\uD83D\uDE00");
        assertThat(settings.path("note").asString()).isEqualTo("a\nb\tc");
    }

    @Test
    void settingsInMalformedUtf8OrWithDuplicateKeysAreRefused() {
        // An overlong encoding of '/', and CESU-style encoded surrogate: a lenient decoder reads other text.
        for (byte[] body : List.of(
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'},
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'})) {
            Http.Response response = http.send(http.request("/v1/me/settings", token)
                    .header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body)));
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.json().path("code").asString()).isEqualTo("malformed_body");
        }
        Http.Response duplicate = http.patchJson("/v1/me/settings", token, "{\"a\":1,\"a\":2}");

        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.json().path("code").asString()).isEqualTo("malformed_body");
        assertThat(jdbc.sql("SELECT settings::text FROM users")
                        .query(String.class)
                        .single())
                .isEqualTo("{}");
    }

    @Test
    void settingsThatWouldGrowBeyondTheLimitAreRefusedAndNothingIsLost() {
        String chunk = "a".repeat(9_000);
        assertThat(http.patchJson("/v1/me/settings", token, "{\"a\":\"" + chunk + "\"}")
                        .status())
                .isEqualTo(200);

        Http.Response tooMuch = http.patchJson("/v1/me/settings", token, "{\"b\":\"" + chunk + "\"}");

        assertThat(tooMuch.status()).isEqualTo(413);
        assertThat(tooMuch.json().path("code").asString()).isEqualTo("settings_too_large");
        assertThat(jdbc.sql("SELECT settings -> 'a' IS NOT NULL AND settings -> 'b' IS NULL FROM users")
                        .query(Boolean.class)
                        .single())
                .isTrue();
    }

    @Test
    void meNeverCallsTheUpstream() {
        TestInfrastructure.withUpstreamDown(() -> {
            // The upstream OIDC provider refuses connections: me is a local read, so it answers all the same.
            assertThatThrownBy(
                            () -> new Http(TestInfrastructure.issuer()).get("/.well-known/openid-configuration", null))
                    .hasCauseInstanceOf(ConnectException.class);

            Http.Response me = http.get("/v1/me", token);

            assertThat(me.status()).isEqualTo(200);
            assertThat(me.json().path("memberships")).hasSize(2);
            assertThat(me.json().path("memberships").get(0).path("role").asString())
                    .isEqualTo("operator");
            assertThat(me.header("X-Request-Id")).isNotBlank();
            assertThat(me.header("Cache-Control")).isEqualTo("no-store");
        });
    }
}
