package dev.roster.connectors;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A call to the upstream directory that gave no usable answer, and why. None of these is ever a reason to change
 * Roster's data: the caller keeps what it has and reports {@code upstream_error}.
 */
public class UpstreamCallFailed extends RuntimeException {

    public enum Kind {
        /** Connection refused or reset, DNS, TLS: no HTTP answer. */
        NETWORK,
        /** No answer within the read timeout. */
        TIMEOUT,
        /** 401/403 to Roster's own API key: Roster is misconfigured (loud, counted). */
        UNAUTHORIZED,
        /** 429, or 503 with Retry-After: the directory asks Roster to slow down. */
        RATE_LIMITED,
        /** Another 5xx. */
        SERVER_ERROR,
        /** A 2xx whose body is not the contract's shape. */
        MALFORMED,
        /** The circuit breaker is open after repeated failures; the call was not made. */
        CIRCUIT_OPEN,
        /** The cluster's rate budget had no permit within the allowed wait; the call was not made. */
        BUDGET_EXHAUSTED,
        /** A write the directory refused for good (400, 404, 409, 422): trying it again changes nothing. */
        REJECTED
    }

    private final Kind kind;
    private final @Nullable Duration retryAfter;

    public UpstreamCallFailed(Kind kind, String message) {
        this(kind, message, null, null);
    }

    public UpstreamCallFailed(Kind kind, String message, @Nullable Duration retryAfter, @Nullable Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    /** The directory's {@code Retry-After}, when it sent one. */
    public @Nullable Duration retryAfter() {
        return retryAfter;
    }
}
