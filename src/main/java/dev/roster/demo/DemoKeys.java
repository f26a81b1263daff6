package dev.roster.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.roster.platform.PublicUrl;
import java.text.ParseException;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * The demo identity provider's signing key and the issuer it signs as: the provider signs ID tokens with it, the
 * directory simulator checks the tokens it is shown with it. In memory only (tokens die with the process).
 */
@Component
@Conditional(DemoUpstreamCondition.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class DemoKeys {

    private final PublicUrl publicUrl;
    private final RSAKey key;
    private final RSASSAVerifier verifier;

    DemoKeys(PublicUrl publicUrl) throws JOSEException {
        this.publicUrl = publicUrl;
        this.key = new RSAKeyGenerator(2048)
                .keyID("demo-" + Long.toHexString(System.nanoTime()))
                .keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.RS256)
                .generate();
        this.verifier = new RSASSAVerifier(key.toRSAPublicKey());
    }

    /** {@code <public URL>/demo}: the {@code iss} of every token the demo provider signs. */
    String issuer() {
        return publicUrl.get() + "/demo";
    }

    Map<String, Object> publicJwks() {
        return new JWKSet(key.toPublicJWK()).toJSONObject(true);
    }

    /** {@code claims} as a compact RS256 JWT signed with the demo key. */
    String sign(JWTClaimsSet claims) throws JOSEException {
        var jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(key.getKeyID())
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    /**
     * The claims of {@code token} when it is an RS256 JWT this key signed; empty when it is not (malformed, another
     * algorithm, another key, forged). Says nothing about issuer or expiry: the caller checks those.
     */
    Optional<JWTClaimsSet> signedClaims(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                return Optional.empty();
            }
            return Optional.of(jwt.getJWTClaimsSet());
        } catch (ParseException | JOSEException | IllegalStateException e) {
            return Optional.empty();
        }
    }
}
