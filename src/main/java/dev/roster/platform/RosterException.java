package dev.roster.platform;

import org.springframework.http.HttpStatus;

/**
 * A failure the client can act on: becomes an RFC 9457 problem with {@link #status()} and the stable {@link #code()}.
 * The message is the problem's {@code detail}, shown to the client, so it never carries internals.
 */
public class RosterException extends RuntimeException {

    private final HttpStatus status;
    private final String code;

    public RosterException(HttpStatus status, String code, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }
}
