package dev.roster.sessions;

import dev.roster.platform.ErrorCode;
import dev.roster.platform.RosterException;

/** The refresh token is unknown, expired, of an ended session, or was already used (then the session is revoked). */
public class RefreshTokenRejected extends RosterException {

    private RefreshTokenRejected(ErrorCode code, String detail) {
        super(code, detail);
    }

    /**
     * The refresh endpoint authenticates with a refresh token, not a bearer access token, so its challenge names that
     * credential: {@code RefreshToken error="<code>"}. No browser knows the scheme, so none shows a login dialog.
     */
    @Override
    public String wwwAuthenticate() {
        return "RefreshToken error=\"" + code() + "\"";
    }

    static RefreshTokenRejected invalid() {
        return new RefreshTokenRejected(
                ErrorCode.INVALID_REFRESH_TOKEN, "The refresh token is unknown, expired, or its session has ended.");
    }

    static RefreshTokenRejected reused() {
        return new RefreshTokenRejected(
                ErrorCode.REFRESH_TOKEN_REUSED,
                "The refresh token was already used. Its session has been revoked; sign in again.");
    }
}
