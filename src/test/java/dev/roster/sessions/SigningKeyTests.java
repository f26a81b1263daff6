package dev.roster.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jwt.SignedJWT;
import dev.roster.RosterApplication;
import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import dev.roster.support.TestInfrastructure;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import tools.jackson.databind.JsonNode;

class SigningKeyTests extends IntegrationTest {

    @Autowired
    SigningKeys keys;

    @Test
    void privateKeysAreStoredEncrypted() {
        var stored = jdbc.sql("SELECT private_key_encrypted FROM signing_keys")
                .query(byte[].class)
                .list();

        assertThat(stored)
                .isNotEmpty()
                .allSatisfy(bytes -> assertThat(new String(bytes, StandardCharsets.ISO_8859_1))
                        .doesNotContain("\"d\"")
                        .doesNotContain("RSA"));
    }

    @Test
    void jwksAndDiscoveryPublishThePublicKeysOnly() {
        Http.Response jwks = http.get("/.well-known/jwks.json", null);
        Http.Response discovery = http.get("/.well-known/openid-configuration", null);

        assertThat(jwks.status()).isEqualTo(200);
        JsonNode key = jwks.json().path("keys").get(0);
        assertThat(key.path("kty").asString()).isEqualTo("RSA");
        assertThat(key.has("d")).isFalse();
        assertThat(discovery.json().path("issuer").asString()).isEqualTo("http://roster.test");
        assertThat(discovery.json().path("jwks_uri").asString()).isEqualTo("http://roster.test/.well-known/jwks.json");
    }

    @Test
    void theRotateKeysCommandPublishesTheNewKeyFirstAndSignsWithItOnlyFromItsActivation() throws Exception {
        String before = signIn("rot", "rot@example.com").path("access_token").asString();
        String oldKid = SignedJWT.parse(before).getHeader().getKeyID();

        String printed = rotateKeys(Map.of("roster.keys.activation-delay", "2s"));
        String newKid = jdbc.sql("SELECT kid FROM signing_keys ORDER BY created_at DESC LIMIT 1")
                .query(String.class)
                .single();

        assertThat(printed).contains(newKid).contains("takes over signing at").contains("(in 2 s)");
        // Published at once (this node learns of it through NOTIFY), while the old key still signs.
        await().atMost(Duration.ofSeconds(5)).until(() -> publishedKids().contains(newKid));
        Http.Response jwks = http.get("/.well-known/jwks.json", null);
        assertThat(jwks.header("Cache-Control")).contains("max-age=300");
        assertThat(publishedKids()).contains(oldKid, newKid);
        String during = signIn("rot", "rot@example.com").path("access_token").asString();
        assertThat(kid(during)).isEqualTo(oldKid);

        // Every node switches at the activation instant by itself: no notification comes then.
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> kid(signIn("rot", "rot@example.com")
                                .path("access_token")
                                .asString())
                        .equals(newKid));
        String after = signIn("rot", "rot@example.com").path("access_token").asString();
        assertThat(http.get("/v1/me", before).status()).isEqualTo(200);
        assertThat(http.get("/v1/me", during).status()).isEqualTo(200);
        assertThat(http.get("/v1/me", after).status()).isEqualTo(200);
        assertThat(publishedKids()).contains(oldKid, newKid);
        // The old key's end is the new key's start; it stays published until its last token has expired.
        assertThat(jdbc.sql("""
                        SELECT o.retired_at = n.activates_at FROM signing_keys o, signing_keys n
                        WHERE o.kid = :old AND n.kid = :new
                        """)
                        .param("old", oldKid)
                        .param("new", newKid)
                        .query(Boolean.class)
                        .single())
                .isTrue();
    }

    @Test
    void theFirstKeyEverGeneratedSignsAtOnceWhateverTheActivationDelay() throws Exception {
        jdbc.sql("DROP DATABASE IF EXISTS first_key").update();
        jdbc.sql("CREATE DATABASE first_key").update();
        var properties = new HashMap<String, Object>(TestInfrastructure.rosterProperties());
        properties.put("roster.db.url", TestInfrastructure.jdbcUrl().replace("/postgres", "/first_key"));
        properties.put("roster.keys.activation-delay", "1h");
        properties.put("ROSTER_PORT", "0");
        try (var node = new SpringApplicationBuilder(RosterApplication.class)
                .properties(properties)
                .run()) {
            var fresh = new Http("http://127.0.0.1:" + node.getEnvironment().getProperty("local.server.port"));
            Http.Response signIn = fresh.postForm(
                    "/v1/auth/token",
                    Http.form(
                            "grant_type", TOKEN_EXCHANGE,
                            "subject_token_type", ID_TOKEN_TYPE,
                            "subject_token", upstreamToken("first", "first@example.com", Map.of())));

            assertThat(signIn.status()).isEqualTo(200);
            JsonNode published =
                    fresh.get("/.well-known/jwks.json", null).json().path("keys");
            assertThat(published).hasSize(1);
            assertThat(kid(signIn.json().path("access_token").asString()))
                    .isEqualTo(published.get(0).path("kid").asString());
        }
    }

    /** Runs {@code ./roster rotate-keys} as its own process would (no web server) and returns what it printed. */
    private static String rotateKeys(Map<String, String> extra) {
        var properties = new HashMap<String, Object>(TestInfrastructure.rosterProperties());
        properties.putAll(extra);
        properties.put("roster.command", "rotate-keys");
        PrintStream console = System.out;
        var printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            new SpringApplicationBuilder(RosterApplication.class)
                    .web(WebApplicationType.NONE)
                    .properties(properties)
                    .run()
                    .close();
        } finally {
            System.setOut(console);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    private List<String> publishedKids() {
        return http.get("/.well-known/jwks.json", null).json().path("keys").findValuesAsString("kid");
    }

    private static String kid(String token) throws ParseException {
        return SignedJWT.parse(token).getHeader().getKeyID();
    }

    @Test
    void aFailedReloadIsRetriedSoonNotAtTheFiveMinuteReload() throws Exception {
        String kid = "published-while-the-reload-failed";
        var publicJwk = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048)
                .keyID(kid)
                .generate()
                .toPublicJWK()
                .toJSONString();
        jdbc.sql("ALTER TABLE signing_keys RENAME TO signing_keys_away").update();
        try {
            keys.reload(); // fails: logged, and retried in a second
        } finally {
            jdbc.sql("ALTER TABLE signing_keys_away RENAME TO signing_keys").update();
        }
        // A key that is published but signs only in an hour, added without a notification: only a reload sees it.
        jdbc.sql("INSERT INTO signing_keys (kid, algorithm, public_jwk, private_key_encrypted, activates_at)"
                        + " VALUES (:kid, 'RS256', :jwk, '\\x00', now() + interval '1 hour')")
                .param("kid", kid)
                .param("jwk", publicJwk)
                .update();
        try {
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> keys.jwks().toString().contains(kid));
        } finally {
            jdbc.sql("DELETE FROM signing_keys WHERE kid = :kid")
                    .param("kid", kid)
                    .update();
            keys.reload();
        }
    }
}
