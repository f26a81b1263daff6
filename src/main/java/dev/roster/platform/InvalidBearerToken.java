package dev.roster.platform;

/** The request's bearer token is missing, malformed, forged, expired or belongs to an ended session. */
public class InvalidBearerToken extends RosterException {

    private final boolean tokenPresent;

    public InvalidBearerToken(ErrorCode code, String detail, boolean tokenPresent) {
        super(code, detail);
        this.tokenPresent = tokenPresent;
    }

    public static InvalidBearerToken missing() {
        return new InvalidBearerToken(
                ErrorCode.TOKEN_MISSING, "This endpoint needs an access token (Authorization: Bearer).", false);
    }

    public static InvalidBearerToken invalid(String detail) {
        return new InvalidBearerToken(ErrorCode.INVALID_TOKEN, detail, true);
    }

    public static InvalidBearerToken expired() {
        return new InvalidBearerToken(ErrorCode.TOKEN_EXPIRED, "The access token has expired.", true);
    }

    public static InvalidBearerToken sessionEnded() {
        return new InvalidBearerToken(ErrorCode.SESSION_ENDED, "The session of this access token has ended.", true);
    }

    /** RFC 6750 §3: no error attribute when the request carried no token at all. */
    @Override
    public String wwwAuthenticate() {
        if (!tokenPresent) {
            return "Bearer";
        }
        return "Bearer error=\"invalid_token\", error_description=\""
                + getMessage().replace("\"", "'") + "\"";
    }
}
