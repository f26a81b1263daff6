package dev.roster.connectors;

import dev.roster.platform.RosterException;
import org.springframework.http.HttpStatus;

/** The sign-in token is not one Roster accepts from its upstream: the message says why, safe to show. */
public class InvalidUpstreamToken extends RosterException {

    public InvalidUpstreamToken(String detail) {
        super(HttpStatus.UNAUTHORIZED, "invalid_subject_token", detail);
    }
}
