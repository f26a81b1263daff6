package dev.roster.connectors;

import dev.roster.platform.RosterException;
import org.springframework.http.HttpStatus;

/** The upstream could not be asked (network, timeout, 5xx, bad discovery document). */
public class UpstreamUnavailable extends RosterException {

    public UpstreamUnavailable(String detail) {
        super(HttpStatus.SERVICE_UNAVAILABLE, "upstream_unavailable", detail);
    }
}
