package dev.roster.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every connector must do with the token a client brings (the contract of {@link UpstreamConnector}), run
 * against each implementation: accept the upstream's genuine tokens, refuse everything else with
 * {@link InvalidUpstreamToken}.
 */
abstract class UpstreamConnectorContract {

    /** The connector under test, trusting the upstream this test controls. */
    protected abstract UpstreamConnector connector();

    /** A genuine token of the upstream for Roster, with these extra claims. */
    protected abstract String genuineToken(String subject, String email, Map<String, Object> claims);

    /** A token of the upstream that expired two minutes ago. */
    protected abstract String expiredToken(String subject, String email);

    /** A token signed by the upstream's own key, with these claims instead of the standard ones. */
    protected abstract String tokenWithClaims(Map<String, Object> claims);

    /** The upstream's public signing key, as an attacker could download it. */
    protected abstract RSAKey upstreamPublicKey();

    @Test
    void aGenuineTokenYieldsTheUpstreamUser() {
        UpstreamAuthentication authenticated = connector()
                .authenticate(genuineToken(
                        "ext-1",
                        "Ann@Example.com",
                        Map.of(
                                "given_name",
                                "Ann",
                                "family_name",
                                "Lee",
                                "roles",
                                List.of(Map.of("role", "viewer", "tenant", "acme")))));
        UpstreamUser user = authenticated.user();

        assertThat(user.externalId()).isEqualTo("ext-1");
        assertThat(user.email()).isEqualTo("ann@example.com");
        assertThat(user.firstName()).isEqualTo("Ann");
        assertThat(user.lastName()).isEqualTo("Lee");
        assertThat(user.roles())
                .containsExactly(new UpstreamUser.RoleAssignment(
                        "viewer", new UpstreamUser.UpstreamTenant("acme", "acme", null)));
    }

    @Test
    void eachTokenHasItsOwnIdentityAndIsAcceptableUntilItExpires() {
        String first = genuineToken("ext-1", "a@example.com", Map.of());
        String second = genuineToken("ext-1", "a@example.com", Map.of());

        UpstreamAuthentication a = connector().authenticate(first);
        UpstreamAuthentication again = connector().authenticate(first);
        UpstreamAuthentication b = connector().authenticate(second);

        assertThat(again.tokenId()).isEqualTo(a.tokenId());
        assertThat(b.tokenId()).isNotEqualTo(a.tokenId());
        assertThat(a.acceptableUntil()).isAfter(java.time.Instant.now());
    }

    @Test
    void anExpiredTokenIsRefused() {
        assertRefused(expiredToken("ext-1", "a@example.com"));
    }

    @Test
    void aTamperedTokenIsRefused() {
        String[] parts = genuineToken("ext-1", "a@example.com", Map.of()).split("\\.");
        String forgedPayload = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"sub\":\"admin\",\"email\":\"root@example.com\"}".getBytes(StandardCharsets.UTF_8));
        assertRefused(parts[0] + "." + forgedPayload + "." + parts[2]);
    }

    @Test
    void anUnsignedAlgNoneTokenIsRefused() {
        String[] parts = genuineToken("ext-1", "a@example.com", Map.of()).split("\\.");
        String none = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        assertRefused(none + "." + parts[1] + ".");
    }

    @Test
    void anHmacTokenKeyedWithThePublicKeyIsRefused() throws Exception {
        byte[] secret = upstreamPublicKey().toRSAPublicKey().getEncoded();
        var jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .keyID(upstreamPublicKey().getKeyID())
                        .build(),
                SignedJWT.parse(genuineToken("ext-1", "a@example.com", Map.of()))
                        .getJWTClaimsSet());
        jwt.sign(new MACSigner(java.util.Arrays.copyOf(secret, Math.max(secret.length, 32))));
        assertRefused(jwt.serialize());
    }

    @Test
    void aTokenSignedByAnUnknownKeyIsRefused() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("stranger").generate();
        var jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("stranger").build(),
                SignedJWT.parse(genuineToken("ext-1", "a@example.com", Map.of()))
                        .getJWTClaimsSet());
        jwt.sign(new RSASSASigner(stranger));
        assertRefused(jwt.serialize());
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() {
        assertRefused(tokenWithClaims(Map.of("aud", "some-other-app")));
    }

    @Test
    void aTokenWithoutEmailIsRefused() {
        assertRefused(tokenWithClaims(Map.of("email", "")));
    }

    @Test
    void somethingThatIsNoJwtIsRefused() {
        assertRefused("not-a-token");
        assertRefused("a.b.c");
    }

    protected static Map<String, Object> standardClaims(String issuer, String audience) {
        Instant now = Instant.now();
        return Map.of(
                "iss",
                issuer,
                "aud",
                audience,
                "sub",
                "ext-1",
                "email",
                "a@example.com",
                "iat",
                Date.from(now),
                "exp",
                Date.from(now.plusSeconds(300)));
    }

    protected static JWTClaimsSet claimSet(Map<String, Object> claims) {
        var b = new JWTClaimsSet.Builder();
        claims.forEach(b::claim);
        return b.build();
    }

    protected void assertRefused(String token) {
        assertThatThrownBy(() -> connector().authenticate(token)).isInstanceOf(InvalidUpstreamToken.class);
    }
}
