package dev.roster.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Every way a bearer token can be wrong ends in 401 with an RFC 6750 challenge, and never reaches a controller. */
class BearerTokenTests extends IntegrationTest {

    @Autowired
    SigningKeys keys;

    String genuine;
    JWTClaimsSet genuineClaims;

    @BeforeEach
    void signInOnce() throws Exception {
        genuine = signIn("bearer", "bearer@example.com").path("access_token").asString();
        genuineClaims = SignedJWT.parse(genuine).getJWTClaimsSet();
    }

    @Test
    void theGenuineTokenIsAccepted() {
        assertThat(http.get("/v1/me", genuine).status()).isEqualTo(200);
    }

    @Test
    void noTokenIsA401WithABareChallenge() {
        Http.Response response = http.get("/v1/me", null);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(response.json().path("code").asString()).isEqualTo("token_missing");
    }

    @Test
    void anotherAuthorizationSchemeIsRefused() {
        Http.Response response = http.send(http.request("/v1/me", null)
                .header("Authorization", "Basic YTpi")
                .GET());

        assertRefused(response, "invalid_token");
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        String expired =
                signWithRosterKey(c -> c.issueTime(Date.from(Instant.now().minusSeconds(1000)))
                        .expirationTime(Date.from(Instant.now().minusSeconds(100))));

        assertRefused(http.get("/v1/me", expired), "token_expired");
    }

    @Test
    void aTamperedTokenIsRefused() {
        String[] parts = genuine.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("bearer@example.com", "admin@example.com");
        String tampered = parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + parts[2];

        assertRefused(http.get("/v1/me", tampered), "invalid_token");
    }

    @Test
    void anAlgNoneTokenIsRefused() {
        String header = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));

        assertRefused(http.get("/v1/me", header + "." + genuine.split("\\.")[1] + "."), "invalid_token");
    }

    @Test
    void anHmacTokenKeyedWithRostersPublicKeyIsRefused() throws Exception {
        RSAKey published = JWKSet.parse(keys.jwks()).getKeys().getFirst().toRSAKey();
        byte[] secret = published.toRSAPublicKey().getEncoded();
        var jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .keyID(published.getKeyID())
                        .build(),
                genuineClaims);
        jwt.sign(new MACSigner(Arrays.copyOf(secret, Math.max(32, secret.length))));

        assertRefused(http.get("/v1/me", jwt.serialize()), "invalid_token");
    }

    @Test
    void aTokenSignedByAnUnknownKeyIsRefused() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048)
                .keyID(keys.current().activeKid() + "-not")
                .generate();
        var jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(stranger.getKeyID())
                        .build(),
                genuineClaims);
        jwt.sign(new RSASSASigner(stranger));

        assertRefused(http.get("/v1/me", jwt.serialize()), "invalid_token");
    }

    @Test
    void aTokenOfAnotherIssuerIsRefusedEvenWithRostersSignature() throws Exception {
        String foreign = signWithRosterKey(c -> c.issuer("https://evil.example"));

        assertRefused(http.get("/v1/me", foreign), "invalid_token");
    }

    @Test
    void aTokenMeantForAnotherAudienceIsRefused() throws Exception {
        String elsewhere = signWithRosterKey(c -> c.audience("https://another-service.example"));
        String none = signWithRosterKey(c -> c.audience((String) null));

        assertRefused(http.get("/v1/me", elsewhere), "invalid_token");
        assertRefused(http.get("/v1/me", none), "invalid_token");
    }

    @Test
    void aSignedJwtThatIsNotAnAccessTokenIsRefused() throws Exception {
        // Same key, same claims, but typed as a plain JWT (as an ID token would be), or not typed at all.
        for (var type : new com.nimbusds.jose.JOSEObjectType[] {com.nimbusds.jose.JOSEObjectType.JWT, null}) {
            var jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(keys.current().activeKid())
                            .type(type)
                            .build(),
                    genuineClaims);
            jwt.sign(keys.current().signer());

            assertRefused(http.get("/v1/me", jwt.serialize()), "invalid_token");
        }
    }

    @Test
    void aGenuineTokenIsTypedAtJwtAndCarriesRostersAudience() throws Exception {
        SignedJWT jwt = SignedJWT.parse(genuine);

        assertThat(jwt.getHeader().getType().getType()).isEqualTo("at+jwt");
        // ROSTER_TOKENS_AUDIENCE is unset: the audience is Roster's public URL (as the tests configure it).
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("http://roster.test");
    }

    @Test
    void aTokenOfAnUnknownSessionIsRefused() throws Exception {
        String orphan = signWithRosterKey(
                c -> c.claim("sid", java.util.UUID.randomUUID().toString()));

        assertRefused(http.get("/v1/me", orphan), "session_ended");
    }

    @Test
    void aPercentEncodedPathIsAuthenticatedLikeThePlainOne() {
        Http.Response encoded = http.get("/%761/me", null);
        Http.Response dotted = http.get("/v1/./me", null);

        assertThat(encoded.status()).isEqualTo(401);
        assertThat(encoded.json().path("code").asString()).isEqualTo("token_missing");
        assertThat(dotted.status()).isEqualTo(401);
        assertThat(http.get("/%761/me", genuine).status()).isEqualTo(200);
    }

    @Test
    void garbageIsRefused() {
        assertRefused(http.get("/v1/me", "garbage"), "invalid_token");
        assertRefused(http.get("/v1/me", "a.b.c"), "invalid_token");
    }

    private String signWithRosterKey(Consumer<JWTClaimsSet.Builder> change) throws Exception {
        var builder = new JWTClaimsSet.Builder(genuineClaims);
        change.accept(builder);
        var jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(keys.current().activeKid())
                        .type(AccessTokens.AT_JWT)
                        .build(),
                builder.build());
        jwt.sign(keys.current().signer());
        return jwt.serialize();
    }

    private static void assertRefused(Http.Response response, String code) {
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("code").asString()).isEqualTo(code);
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer error=\"invalid_token\"");
    }
}
