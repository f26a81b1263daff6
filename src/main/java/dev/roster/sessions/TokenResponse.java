package dev.roster.sessions;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * RFC 6749 §5.1 (and RFC 8693 §2.2.1 for token exchange, which adds {@code issued_token_type}). The client-credentials
 * grant answers no refresh token (RFC 6749 §4.4.3).
 */
public record TokenResponse(
        String accessToken,
        String tokenType,
        long expiresIn,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String refreshToken,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String issuedTokenType) {

    static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
}
