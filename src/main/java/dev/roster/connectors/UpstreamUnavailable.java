package dev.roster.connectors;

import dev.roster.platform.ErrorCode;
import dev.roster.platform.RosterException;
import java.time.Duration;

/** The upstream could not be asked (network, timeout, 5xx, bad discovery document). */
public class UpstreamUnavailable extends RosterException {

    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);

    private final Duration retryAfter;

    public UpstreamUnavailable(String detail) {
        this(detail, DEFAULT_RETRY_AFTER);
    }

    public UpstreamUnavailable(String detail, Duration retryAfter) {
        super(ErrorCode.UPSTREAM_UNAVAILABLE, detail);
        this.retryAfter = retryAfter;
    }

    /** When a client may try again: the answer's {@code Retry-After}, in whole seconds, at least one. */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
