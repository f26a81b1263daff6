package dev.roster.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jwt.SignedJWT;
import dev.roster.RosterApplication;
import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import dev.roster.support.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
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
    void theRotateKeysCommandSwitchesSigningButOldTokensStayValidUntilTheyExpire() throws Exception {
        String before = signIn("rot", "rot@example.com").path("access_token").asString();
        String oldKid = SignedJWT.parse(before).getHeader().getKeyID();

        var properties = new HashMap<String, Object>(TestInfrastructure.rosterProperties());
        properties.put("roster.command", "rotate-keys");
        new SpringApplicationBuilder(RosterApplication.class)
                .web(WebApplicationType.NONE)
                .properties(properties)
                .run()
                .close();

        // This node learns of the new key through NOTIFY.
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !keys.current().activeKid().equals(oldKid));
        String after = signIn("rot", "rot@example.com").path("access_token").asString();
        assertThat(SignedJWT.parse(after).getHeader().getKeyID())
                .isEqualTo(keys.current().activeKid());
        assertThat(http.get("/v1/me", before).status()).isEqualTo(200);
        assertThat(http.get("/v1/me", after).status()).isEqualTo(200);
        JsonNode published = http.get("/.well-known/jwks.json", null).json().path("keys");
        assertThat(published.findValuesAsString("kid"))
                .contains(oldKid, keys.current().activeKid());
        assertThat(jdbc.sql("SELECT count(*) FROM signing_keys WHERE retired_at IS NULL")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }
}
