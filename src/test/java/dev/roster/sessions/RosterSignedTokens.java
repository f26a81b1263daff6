package dev.roster.sessions;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/** For tests outside this package: a token signed with Roster's own active key, with whatever claims they need. */
public final class RosterSignedTokens {

    private RosterSignedTokens() {}

    public static String sign(SigningKeys keys, JWTClaimsSet claims) {
        var jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(keys.current().activeKid())
                        .type(AccessTokens.AT_JWT)
                        .build(),
                claims);
        try {
            jwt.sign(keys.current().signer());
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
