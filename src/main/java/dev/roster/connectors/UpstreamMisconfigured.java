package dev.roster.connectors;

import dev.roster.platform.ErrorCode;
import dev.roster.platform.RosterException;

/**
 * The upstream answers, but not as configured (its discovery document names another issuer): no sign-in can succeed
 * until an operator corrects the configuration, so it is not reported as a temporary outage.
 */
public class UpstreamMisconfigured extends RosterException {

    public UpstreamMisconfigured(String detail) {
        super(ErrorCode.UPSTREAM_MISCONFIGURED, detail);
    }
}
