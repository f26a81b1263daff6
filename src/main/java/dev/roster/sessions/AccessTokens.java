package dev.roster.sessions;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.roster.platform.AuthenticatedUser;
import dev.roster.platform.InvalidBearerToken;
import dev.roster.platform.PublicUrl;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Roster's own access tokens (RFC 9068 {@code typ: at+jwt}): RS256 JWTs with exactly
 * {@code iss, aud, sub, sid, email, tid, iat, exp} (tid only when the user has a tenant). Their size does not depend
 * on the user's memberships. See docs/adr/001-token-design.md.
 *
 * <p>A verified token is cached on this node until it expires, so the signature is checked once per token and node;
 * whether its session still stands is checked on every request by the caller.
 */
@Component
public class AccessTokens {

    /** RFC 9068 §2.1; verifiers compare it case-insensitively, with or without the {@code application/} prefix. */
    static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    private final SigningKeys keys;
    private final PublicUrl publicUrl;
    private final Clock clock;
    private final Duration ttl;
    private final @Nullable String configuredAudience;
    private final Cache<String, AuthenticatedUser> verified;

    AccessTokens(SigningKeys keys, PublicUrl publicUrl, Clock clock, TokenSettings tokens, MeterRegistry meters) {
        this.keys = keys;
        this.publicUrl = publicUrl;
        this.clock = clock;
        this.ttl = tokens.accessTokenTtl();
        this.configuredAudience = tokens.audience() == null || tokens.audience().isBlank() ? null : tokens.audience();
        this.verified = Caffeine.newBuilder()
                .maximumSize(tokens.verifiedTokenCacheSize())
                .expireAfter(Expiry.<String, AuthenticatedUser>creating((token, user) ->
                        Duration.between(clock.instant(), user.expiresAt()).isNegative()
                                ? Duration.ZERO
                                : Duration.between(clock.instant(), user.expiresAt())))
                .recordStats()
                .build();
        CaffeineCacheMetrics.monitor(meters, verified, "verified_tokens");
    }

    public Duration ttl() {
        return ttl;
    }

    /** The {@code aud} of every access token: {@code ROSTER_TOKENS_AUDIENCE}, else Roster's public URL. */
    public String audience() {
        return configuredAudience != null ? configuredAudience : publicUrl.get();
    }

    public String mint(UUID userId, UUID sessionId, String email, @Nullable UUID tenantId) {
        Instant now = clock.instant();
        var claims = new JWTClaimsSet.Builder()
                .issuer(publicUrl.get())
                .audience(audience())
                .subject(userId.toString())
                .claim("sid", sessionId.toString())
                .claim("email", email)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)));
        if (tenantId != null) {
            claims.claim("tid", tenantId.toString());
        }
        SigningKeys.State signing = keys.current();
        var header = new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(signing.activeKid())
                .type(AT_JWT)
                .build();
        var jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(signing.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign an access token", e);
        }
        return jwt.serialize();
    }

    /** The token's user, or {@link InvalidBearerToken} when it is not a live token Roster signed. */
    public AuthenticatedUser verify(String token) {
        AuthenticatedUser user = verified.getIfPresent(token);
        if (user == null) {
            user = verifySignatureAndClaims(token);
            verified.put(token, user);
        }
        if (!user.expiresAt().isAfter(clock.instant())) {
            throw InvalidBearerToken.expired();
        }
        return user;
    }

    private AuthenticatedUser verifySignatureAndClaims(String token) {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw InvalidBearerToken.invalid("The access token is not a signed JWT.");
        }
        JWSHeader header = jwt.getHeader();
        if (!JWSAlgorithm.RS256.equals(header.getAlgorithm())) {
            throw InvalidBearerToken.invalid("The access token's algorithm is not accepted.");
        }
        if (!isAccessTokenType(header.getType())) {
            throw InvalidBearerToken.invalid("The token is not an access token (typ at+jwt).");
        }
        String kid = header.getKeyID();
        JWSVerifier verifier = kid == null ? null : keys.verifier(kid);
        if (verifier == null) {
            throw InvalidBearerToken.invalid("The access token was signed by an unknown key.");
        }
        try {
            if (!jwt.verify(verifier)) {
                throw InvalidBearerToken.invalid("The access token's signature is invalid.");
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!publicUrl.get().equals(claims.getIssuer())) {
                throw InvalidBearerToken.invalid("The access token was issued by someone else.");
            }
            if (claims.getAudience() == null || !claims.getAudience().contains(audience())) {
                throw InvalidBearerToken.invalid("The access token was meant for another audience.");
            }
            Date exp = claims.getExpirationTime();
            String sid = claims.getStringClaim("sid");
            String email = claims.getStringClaim("email");
            if (exp == null || claims.getSubject() == null || sid == null || email == null) {
                throw InvalidBearerToken.invalid("The access token lacks required claims.");
            }
            if (!exp.toInstant().isAfter(clock.instant())) {
                throw InvalidBearerToken.expired();
            }
            return new AuthenticatedUser(
                    UUID.fromString(claims.getSubject()), UUID.fromString(sid), email, exp.toInstant());
        } catch (JOSEException | ParseException | IllegalArgumentException e) {
            throw InvalidBearerToken.invalid("The access token is malformed.");
        }
    }

    private static boolean isAccessTokenType(@Nullable JOSEObjectType type) {
        if (type == null) {
            return false;
        }
        String value = type.getType();
        return value.equalsIgnoreCase("at+jwt") || value.equalsIgnoreCase("application/at+jwt");
    }
}
