package dev.roster.sessions;

import dev.roster.platform.RosterException;
import org.springframework.http.HttpStatus;

/** The refresh token is unknown, expired, of an ended session, or was already used (then the session is revoked). */
public class RefreshTokenRejected extends RosterException {

    private RefreshTokenRejected(String code, String detail) {
        super(HttpStatus.UNAUTHORIZED, code, detail);
    }

    static RefreshTokenRejected invalid() {
        return new RefreshTokenRejected(
                "invalid_refresh_token", "The refresh token is unknown, expired, or its session has ended.");
    }

    static RefreshTokenRejected reused() {
        return new RefreshTokenRejected(
                "refresh_token_reused",
                "The refresh token was already used. Its session has been revoked; sign in again.");
    }
}
