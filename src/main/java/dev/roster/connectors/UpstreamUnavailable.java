package dev.roster.connectors;

import dev.roster.platform.ErrorCode;
import dev.roster.platform.RosterException;

/** The upstream could not be asked (network, timeout, 5xx, bad discovery document). */
public class UpstreamUnavailable extends RosterException {

    public UpstreamUnavailable(String detail) {
        super(ErrorCode.UPSTREAM_UNAVAILABLE, detail);
    }
}
