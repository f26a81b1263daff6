package dev.roster.platform;

import java.time.Instant;
import java.util.UUID;

/**
 * Who a request is from, as its verified access token says. A controller method receives it by declaring a
 * parameter of this type; the request was refused with 401 before the controller if there is none.
 */
public record AuthenticatedUser(UUID userId, UUID sessionId, String email, Instant expiresAt) {

    public static final String REQUEST_ATTRIBUTE = AuthenticatedUser.class.getName();
}
