package dev.roster.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code /v1/webhook-subscriptions} as a platform admin, with the default policy: subscriber URLs must be https and
 * public (no loopback, private, link-local, carrier-grade NAT or metadata addresses, however written), secrets are
 * answered once and never logged, bad input is a 400 naming the field.
 */
class WebhookSubscriptionAdminTests extends AdminApiTest {

    String admin;

    @BeforeEach
    void signIn() {
        admin = signInAsPlatformAdmin();
    }

    Http.Response create(String json) {
        return postJson("/v1/webhook-subscriptions", admin, json);
    }

    @Test
    void aSubscriptionIsAnsweredWithItsSecretOnceAndListedWithout() {
        Http.Response created = create(
                "{\"url\":\"https://8.8.8.8/hooks\",\"description\":\"cache busting\",\"event_types\":[\"membership.*\"]}");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode body = created.json();
        String secret = body.path("secret").asString();
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring("whsec_".length())))
                .hasSize(32);
        assertThat(body.path("event_types").get(0).asString()).isEqualTo("membership.*");
        assertThat(body.path("enabled").asBoolean()).isTrue();
        assertThat(created.header("Cache-Control")).contains("no-store");
        String id = body.path("id").asString();

        Http.Response listed = http.get("/v1/webhook-subscriptions", admin);
        assertThat(listed.json().path("total").asLong()).isEqualTo(1);
        assertThat(listed.body()).doesNotContain(secret).doesNotContain("\"secret\"");
        assertThat(http.get("/v1/webhook-subscriptions/" + id, admin).body()).doesNotContain(secret);
        assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'webhook_subscription.created'"))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM audit_log WHERE after::text LIKE '%" + secret.substring(6, 20) + "%'"))
                .isZero();
        // Stored encrypted: the raw bytes are not in the table.
        assertThat(count("SELECT count(*) FROM webhook_subscription_secrets WHERE position(decode('"
                        + secret.substring(6) + "', 'base64') IN secret) > 0"))
                .isZero();

        Http.Response rotated = postJson("/v1/webhook-subscriptions/" + id + "/secret:rotate", admin, "");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        assertThat(rotated.json().path("secret").asString())
                .startsWith("whsec_")
                .isNotEqualTo(secret);
        assertThat(count("SELECT count(*) FROM webhook_subscription_secrets WHERE expires_at IS NOT NULL"))
                .isEqualTo(1);
    }

    @Test
    void anEventTypeNamedNullIsAWordLikeAnyOther() {
        Http.Response created = create("{\"url\":\"https://8.8.8.8/x\",\"event_types\":[\"null\",\"tenant.*\"]}");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode read = http.get(
                        "/v1/webhook-subscriptions/" + created.json().path("id").asString(), admin)
                .json();
        assertThat(read.path("event_types").get(0).asString()).isEqualTo("null");
    }

    @Test
    void subscriberUrlsThatReachPrivateNetworksAreRefused() {
        for (String url : new String[] {
            "http://8.8.8.8/plain-http",
            "https://127.0.0.1/loopback",
            "https://localhost/loopback-by-name",
            "https://[::1]/loopback-v6",
            "https://169.254.169.254/latest/meta-data",
            "https://10.1.2.3/private",
            "https://192.168.0.10/private",
            "https://172.16.5.5/private",
            "https://100.64.0.1/cgnat",
            "https://0.0.0.0/wildcard",
            "https://[fd00::1]/unique-local",
            "https://[::ffff:10.0.0.1]/mapped",
            "https://[::10.0.0.1]/compatible",
            "https://[64:ff9b::a9fe:a9fe]/nat64-metadata",
            "https://[2002:a9fe:a9fe::1]/6to4-metadata",
            "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/teredo",
            "https://198.18.0.1/benchmarking",
            "https://192.0.2.10/test-net",
            "https://user:pass@8.8.8.8/credentials",
            "https://8.8.8.8/x#fragment",
            "ftp://8.8.8.8/other-scheme",
            "/relative",
            "https://no-such-host.invalid/"
        }) {
            Http.Response refused = create("{\"url\":\"" + url + "\"}");
            assertProblem(refused, 400, "invalid_field");
            assertThat(refused.json().path("detail").asString()).as(url).contains("url");
        }
        assertThat(count("SELECT count(*) FROM webhook_subscriptions")).isZero();
    }

    @Test
    void badFieldsAreRefusedAndUnknownIdsAreNotFound() {
        assertProblem(create("{\"url\":\"https://8.8.8.8/x\",\"event_types\":[\"Membership\"]}"), 400, "invalid_field");
        assertProblem(create("{\"url\":\"https://8.8.8.8/x\",\"event_types\":\"membership.*\"}"), 400, "invalid_field");
        assertProblem(create("{\"url\":\"https://8.8.8.8/x\",\"secret\":\"mine\"}"), 400, "invalid_field");
        assertProblem(create("{}"), 400, "invalid_field");
        assertProblem(
                http.get("/v1/webhook-subscriptions/" + UUID.randomUUID(), admin),
                404,
                "webhook_subscription_not_found");
        assertProblem(http.get("/v1/webhook-subscriptions/not-a-uuid", admin), 400, "invalid_parameter");
        assertProblem(
                postJson("/v1/webhook-subscriptions/" + UUID.randomUUID() + ":test", admin, ""),
                404,
                "webhook_subscription_not_found");
    }

    @Test
    void patchChangesWhatItNamesAndDeleteRemovesTheSubscription() {
        String id = create("{\"url\":\"https://8.8.8.8/a\",\"description\":\"d\"}")
                .json()
                .path("id")
                .asString();

        Http.Response patched = http.call(
                "PATCH",
                "/v1/webhook-subscriptions/" + id,
                admin,
                "{\"enabled\":false,\"description\":null,\"event_types\":[\"tenant.created\"]}");

        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(patched.json().path("enabled").asBoolean()).isFalse();
        assertThat(patched.json().path("disabled_reason").asString()).isEqualTo("disabled by an admin");
        assertThat(patched.json().path("description").isNull()).isTrue();
        assertThat(patched.json().path("url").asString()).isEqualTo("https://8.8.8.8/a");
        assertProblem(
                http.call("PATCH", "/v1/webhook-subscriptions/" + id, admin, "{\"url\":\"https://10.0.0.1/\"}"),
                400,
                "invalid_field");

        assertThat(http.delete("/v1/webhook-subscriptions/" + id, admin).status())
                .isEqualTo(200);
        assertProblem(http.get("/v1/webhook-subscriptions/" + id, admin), 404, "webhook_subscription_not_found");
        assertThat(count("SELECT count(*) FROM webhook_subscription_secrets")).isZero();
    }
}
