package dev.roster.connectors;

import java.time.Instant;

/**
 * What an upstream sign-in token proved: the user, and which token it was. {@code tokenId} names the token among all
 * the upstream's tokens (its {@code jti}, or the token's signed part, header and claims, when it has none); {@code acceptableUntil} is the
 * last moment the connector would still accept it (expiry plus the allowed clock skew). Together they let Roster
 * exchange each upstream token once.
 */
public record UpstreamAuthentication(UpstreamUser user, String tokenId, Instant acceptableUntil) {}
