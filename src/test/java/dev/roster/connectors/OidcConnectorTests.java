package dev.roster.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import dev.roster.support.TestInfrastructure;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The connector contract against a real OIDC provider (mock-oauth2-server): discovery, JWKS, claims; and what only a
 * JWT can get wrong (expiry, forgery, algorithm confusion, another issuer or audience).
 */
class OidcConnectorTests extends UpstreamConnectorContract {

    private static final String ISSUER_ID = "contract";
    private static final String AUDIENCE = "roster-contract";

    private final MockOAuth2Server idp = TestInfrastructure.idp();
    private final OidcConnector connector = trusting(idp.issuerUrl(ISSUER_ID).toString());

    private static OidcConnector trusting(String issuer) {
        return connector(issuer, AUDIENCE, "roles", Duration.ofSeconds(30));
    }

    /** An OIDC connector with the standard claim names, as Roster configures it by default. */
    static OidcConnector connector(
            String issuer, String audience, @Nullable String rolesClaim, Duration jwksMinRefetchInterval) {
        var claims = new OidcSettings.Claims(
                "sub",
                "email",
                "preferred_username",
                "given_name",
                "family_name",
                "middle_name",
                "name",
                "picture",
                "email_verified",
                rolesClaim);
        return new OidcConnector(
                () -> issuer,
                audience,
                claims,
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                jwksMinRefetchInterval,
                JsonMapper.builder().build());
    }

    /**
     * mock-oauth2-server names itself after the host it is asked on, with the same keys: reached as 127.0.0.1 it is
     * issuer {@code http://127.0.0.1:<port>/contract}, and a token it issued as {@code localhost} is, for a connector
     * trusting the former, genuinely signed but from another issuer.
     */
    @Test
    void aTokenOfAnotherIssuerSignedWithTrustedKeysIsRefused() {
        String otherIssuer = idp.issuerUrl(ISSUER_ID).toString().replace("localhost", "127.0.0.1");
        OidcConnector strict = trusting(otherIssuer);
        String localhostToken = genuineToken(user("ext-1", "a@example.com"));

        assertThatThrownBy(() -> strict.authenticate(localhostToken))
                .isInstanceOf(InvalidUpstreamToken.class)
                .hasMessageContaining("iss");
    }

    @Test
    void aFailedDiscoveryIsNotRetriedByEverySignInAtOnce() throws Exception {
        var hits = new java.util.concurrent.atomic.AtomicInteger();
        var broken = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        broken.createContext("/", exchange -> {
            hits.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        broken.start();
        try {
            OidcConnector connector =
                    trusting("http://127.0.0.1:" + broken.getAddress().getPort() + "/idp");
            String token = genuineToken(user("ext-1", "a@example.com"));

            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> connector.authenticate(token)).isInstanceOf(UpstreamUnavailable.class);
            }

            assertThat(hits).hasValue(1);
        } finally {
            broken.stop(0);
        }
    }

    @Test
    void aTamperedTokenIsRefused() {
        String[] parts = genuineToken(user("ext-1", "a@example.com")).split("\\.");
        String forgedPayload = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"sub\":\"admin\",\"email\":\"root@example.com\"}".getBytes(StandardCharsets.UTF_8));
        assertRefused(parts[0] + "." + forgedPayload + "." + parts[2]);
    }

    @Test
    void anUnsignedAlgNoneTokenIsRefused() {
        String[] parts = genuineToken(user("ext-1", "a@example.com")).split("\\.");
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
                SignedJWT.parse(genuineToken(user("ext-1", "a@example.com"))).getJWTClaimsSet());
        jwt.sign(new MACSigner(Arrays.copyOf(secret, Math.max(secret.length, 32))));
        assertRefused(jwt.serialize());
    }

    @Test
    void aTokenSignedByAnUnknownKeyIsRefused() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("stranger").generate();
        var jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("stranger").build(),
                SignedJWT.parse(genuineToken(user("ext-1", "a@example.com"))).getJWTClaimsSet());
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

    @Override
    protected UpstreamConnector connector() {
        return connector;
    }

    @Override
    protected UpstreamConnector unreachableConnector() {
        return trusting("http://127.0.0.1:9/nobody");
    }

    /** The user as an OIDC provider states it: standard claims, roles in the {@code roles} claim. */
    @Override
    protected String genuineToken(UpstreamUser user) {
        var claims = new HashMap<String, Object>();
        claims.put("email", user.email());
        claims.put("email_verified", user.emailVerified());
        putIfStated(claims, "given_name", user.firstName());
        putIfStated(claims, "family_name", user.lastName());
        if (user.roles() != null) {
            claims.put(
                    "roles",
                    user.roles().stream()
                            .map(r -> Map.of(
                                    "role",
                                    r.role(),
                                    "tenant",
                                    r.tenant().name().equals(r.tenant().externalId())
                                            ? r.tenant().externalId()
                                            : Map.of(
                                                    "id",
                                                    r.tenant().externalId(),
                                                    "name",
                                                    r.tenant().name())))
                            .toList());
        }
        return idp.issueToken(ISSUER_ID, user.externalId(), AUDIENCE, claims, 300)
                .serialize();
    }

    private static void putIfStated(Map<String, Object> claims, String name, @Nullable String value) {
        if (value != null) {
            claims.put(name, value);
        }
    }

    /** A token that expired two minutes ago (beyond the 30 s clock skew). */
    @Override
    protected String rejectedToken() {
        return idp.issueToken(ISSUER_ID, "ext-1", AUDIENCE, Map.of("email", "a@example.com"), -120)
                .serialize();
    }

    /** A token signed by the provider's own key, with these claims instead of the standard ones. */
    private String tokenWithClaims(Map<String, Object> overrides) {
        Instant now = Instant.now();
        var claims = new HashMap<String, Object>(Map.of(
                "iss",
                idp.issuerUrl(ISSUER_ID).toString(),
                "aud",
                AUDIENCE,
                "sub",
                "ext-1",
                "email",
                "a@example.com",
                "exp",
                Date.from(now.plusSeconds(300))));
        claims.putAll(overrides);
        claims.put("iat", Date.from(now));
        return idp.anyToken(idp.issuerUrl(ISSUER_ID), claims, Duration.ofMinutes(5))
                .serialize();
    }

    /** The provider's public signing key, as an attacker could download it. */
    private RSAKey upstreamPublicKey() {
        try {
            return JWKSet.load(URI.create(idp.jwksUrl(ISSUER_ID).toString()).toURL())
                    .getKeys()
                    .getFirst()
                    .toRSAKey();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
