package dev.roster.platform;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * A failure the client can act on: becomes an RFC 9457 problem with the {@link ErrorCode}'s status and stable code.
 * The message is the problem's {@code detail}, shown to the client, so it never carries internals.
 */
public class RosterException extends RuntimeException {

    private final ErrorCode code;

    public RosterException(ErrorCode code, String detail) {
        super(detail, null, false, false);
        this.code = code;
    }

    public HttpStatus status() {
        return code.status();
    }

    public String code() {
        return code.code();
    }

    public ErrorCode errorCode() {
        return code;
    }

    /**
     * The {@code WWW-Authenticate} challenge of a 401 (RFC 9110 §11.6.1 requires one), or null for the generic
     * {@code Bearer} challenge the problem handler sends when a 401 names none.
     */
    public @Nullable String wwwAuthenticate() {
        return null;
    }
}
