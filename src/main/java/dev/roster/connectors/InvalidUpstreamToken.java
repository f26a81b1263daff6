package dev.roster.connectors;

import dev.roster.platform.ErrorCode;
import dev.roster.platform.RosterException;

/** The sign-in token is not one Roster accepts from its upstream: the message says why, safe to show. */
public class InvalidUpstreamToken extends RosterException {

    public InvalidUpstreamToken(String detail) {
        super(ErrorCode.INVALID_SUBJECT_TOKEN, detail);
    }
}
