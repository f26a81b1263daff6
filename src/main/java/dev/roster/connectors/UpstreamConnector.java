package dev.roster.connectors;

/**
 * An upstream identity provider as Roster sees it: it turns a sign-in token the client got from that provider into
 * the upstream's view of the user. Implementations: {@link OidcConnector}, {@link RestDirectoryConnector}.
 *
 * <p>Contract (tested for every implementation by {@code UpstreamConnectorContract}): a token the upstream did not
 * issue for Roster, or that is expired, forged, unsigned or unreadable, raises {@link InvalidUpstreamToken}; nothing
 * else does. An unreachable upstream raises {@link UpstreamUnavailable}. Two different tokens never have the same
 * {@link UpstreamAuthentication#tokenId()}.
 */
public interface UpstreamConnector {

    /** Stable name of the upstream, stored as {@code users.provider} (for OIDC: the issuer). */
    String provider();

    /** The user the token names, and which token it was (so that Roster can exchange each token once). */
    UpstreamAuthentication authenticate(String token);
}
