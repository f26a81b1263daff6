package dev.roster.platform;

import org.springframework.http.HttpStatus;

/** The request's bearer token is missing, malformed, forged, expired or belongs to an ended session. */
public class InvalidBearerToken extends RosterException {

    private final boolean tokenPresent;

    public InvalidBearerToken(String code, String detail, boolean tokenPresent) {
        super(HttpStatus.UNAUTHORIZED, code, detail);
        this.tokenPresent = tokenPresent;
    }

    public static InvalidBearerToken missing() {
        return new InvalidBearerToken(
                "token_missing", "This endpoint needs an access token (Authorization: Bearer).", false);
    }

    public static InvalidBearerToken invalid(String detail) {
        return new InvalidBearerToken("invalid_token", detail, true);
    }

    public static InvalidBearerToken expired() {
        return new InvalidBearerToken("token_expired", "The access token has expired.", true);
    }

    public static InvalidBearerToken sessionEnded() {
        return new InvalidBearerToken("session_ended", "The session of this access token has ended.", true);
    }

    /** RFC 6750 §3: no error attribute when the request carried no token at all. */
    public String wwwAuthenticate() {
        if (!tokenPresent) {
            return "Bearer";
        }
        return "Bearer error=\"invalid_token\", error_description=\""
                + getMessage().replace("\"", "'") + "\"";
    }
}
