package dev.roster.sessions;

import dev.roster.connectors.InvalidUpstreamToken;
import dev.roster.connectors.UpstreamAuthentication;
import dev.roster.connectors.UpstreamConnector;
import dev.roster.platform.LogThrottle;
import dev.roster.serviceaccounts.ClientCredentials;
import dev.roster.serviceaccounts.InvalidClient;
import dev.roster.sync.RefreshSync;
import dev.roster.sync.SyncTrigger;
import dev.roster.sync.UserSync;
import dev.roster.users.Me;
import dev.roster.users.UserViews;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Signing in, refreshing and signing out. Sign-in is the one flow that waits on the upstream (to validate the token
 * the client brings); refresh and everything after answer from Roster's database alone.
 */
@Service
public class SignIn {

    private static final Logger log = LoggerFactory.getLogger(SignIn.class);

    private final LogThrottle replayWarnings = new LogThrottle(Duration.ofMinutes(1));

    private final UpstreamConnector upstream;
    private final UserSync sync;
    private final RefreshSync refreshSync;
    private final UserViews views;
    private final Sessions sessions;
    private final AccessTokens accessTokens;
    private final TransactionTemplate tx;
    private final ExchangedTokens exchanged;
    private final ClientCredentials clients;
    private final Clock clock;

    SignIn(
            UpstreamConnector upstream,
            UserSync sync,
            RefreshSync refreshSync,
            UserViews views,
            Sessions sessions,
            AccessTokens accessTokens,
            TransactionTemplate tx,
            ExchangedTokens exchanged,
            ClientCredentials clients,
            Clock clock) {
        this.upstream = upstream;
        this.sync = sync;
        this.refreshSync = refreshSync;
        this.views = views;
        this.sessions = sessions;
        this.accessTokens = accessTokens;
        this.tx = tx;
        this.exchanged = exchanged;
        this.clients = clients;
        this.clock = clock;
    }

    /**
     * RFC 8693 token exchange: validates the upstream token, applies what it says about the user (profile, activity,
     * roles: the same operation as every sync, see {@link UserSync}), and opens a session. Each upstream token is
     * exchanged once: the record of the exchange, the user's changes and the session commit together; the access
     * token is minted from the user's view after the commit (a failure there leaves an unused session, and the
     * client signs in again). A user the upstream (or an admin) deactivated gets no session.
     */
    public TokenResponse exchange(String subjectToken) {
        UpstreamAuthentication authenticated = upstream.authenticate(subjectToken);
        String provider = upstream.provider();
        Sessions.NewSession session = withRetryOnConflict(() -> tx.execute(status -> {
            if (!exchanged.firstExchange(provider, authenticated)) {
                logReplay(provider, authenticated.user().externalId());
                throw new InvalidUpstreamToken(
                        "The subject token was exchanged before; each upstream token signs in once.");
            }
            UserSync.Result user = sync.apply(authenticated.user(), SyncTrigger.SIGN_IN, UserSync.Options.APPLY);
            // A deactivation the upstream just stated commits; only the session is withheld. An upstream that calls
            // the account inactive in the user's own sign-in gets no session, even where a guard kept the
            // deactivation from being applied.
            boolean inactiveUpstream = Boolean.FALSE.equals(authenticated.user().active());
            return user.active() && !inactiveUpstream ? sessions.create(user.userId()) : null;
        }));
        if (session == null) {
            throw new AccountDeactivated();
        }
        // After the commit: the user's view is read (and cached) only once the sign-in's changes are visible.
        Issued issued =
                tokens(session.userId(), session.sessionId(), session.refreshToken(), TokenResponse.ACCESS_TOKEN_TYPE);
        // A first sign-in whose token said nothing about roles: the directory (if any) is asked right away.
        scheduleSyncIfStale(issued.me());
        return issued.response();
    }

    /**
     * A replay is worth a WARN, but whoever holds one spent token could send it in a loop: one WARN a minute (with
     * how many were refused since), the rest at DEBUG.
     */
    private void logReplay(String provider, String externalId) {
        OptionalLong heldBack = replayWarnings.pass();
        if (heldBack.isPresent()) {
            log.warn(
                    "refused an upstream token of {} for '{}' that was exchanged before (a replay; {} more since the"
                            + " previous warning)",
                    provider,
                    externalId,
                    heldBack.getAsLong());
        } else {
            log.debug("refused a replayed upstream token of {} for '{}'", provider, externalId);
        }
    }

    /** Concurrent first sign-ins may collide on new tenants; PostgreSQL then aborts one, which simply runs again. */
    private static <T> T withRetryOnConflict(Supplier<T> transaction) {
        for (int attempt = 1; ; attempt++) {
            try {
                return transaction.get();
            } catch (ConcurrencyFailureException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /**
     * Rotates the refresh token and mints a new access token, no upstream call. The rotation and everything the answer
     * needs commit together: if the answer cannot be made, the token is not spent. A reuse's revocation commits before
     * the refusal.
     */
    public TokenResponse refresh(String refreshToken) {
        record Outcome(Sessions.Rotation rotation, @Nullable Issued issued) {}
        Outcome outcome = tx.execute(status -> {
            Sessions.Rotation rotation = sessions.rotate(refreshToken);
            return new Outcome(
                    rotation,
                    rotation instanceof Sessions.Rotation.Rotated r
                            ? tokens(r.userId(), r.sessionId(), r.refreshToken(), null)
                            : null);
        });
        return switch (outcome.rotation()) {
            case Sessions.Rotation.Rotated r -> {
                Issued issued = Objects.requireNonNull(outcome.issued());
                scheduleSyncIfStale(issued.me());
                yield issued.response();
            }
            case Sessions.Rotation.Reused r -> throw RefreshTokenRejected.reused();
            case Sessions.Rotation.Rejected r -> throw RefreshTokenRejected.invalid();
        };
    }

    /**
     * Queues a background sync when the user's roles are older than the TTL, judged from the view the answer was
     * made from (no further read); nothing it does can fail the answer, which is already committed.
     */
    private void scheduleSyncIfStale(Me me) {
        try {
            refreshSync.afterRefresh(me.id(), me.lastRolesSyncAt());
        } catch (RuntimeException e) {
            log.warn("could not schedule the background role sync of user {}", me.id(), e);
        }
    }

    /**
     * RFC 6749 §4.4: a service account's access token, and no refresh token (§4.4.3: the client authenticates again
     * instead). Each token gets a session of its own, ending with the token, so that deactivating the account ends
     * its tokens on the next request on every node, as for any user. No upstream call, no role sync: a service
     * account's roles are Roster's own.
     */
    public TokenResponse clientCredentials(String clientId, String clientSecret) {
        // The session outlives the token by a hair (it is minted a moment later): the token's exp is what ends it.
        Instant expiresAt = clock.instant().plus(accessTokens.ttl()).plusSeconds(5);
        record Opened(UUID userId, UUID sessionId) {}
        Opened opened = Objects.requireNonNull(tx.execute(status -> {
            UUID userId = clients.authenticate(clientId, clientSecret);
            return new Opened(userId, sessions.createWithoutRefreshToken(userId, expiresAt));
        }));
        Me me = views.me(opened.userId()).orElseThrow(InvalidClient::new);
        if (!me.isActive()) {
            throw new InvalidClient();
        }
        String accessToken = accessTokens.mint(opened.userId(), opened.sessionId(), me.email(), me.defaultTenantId());
        return new TokenResponse(accessToken, "Bearer", accessTokens.ttl().toSeconds(), null, null);
    }

    public void signOut(UUID sessionId) {
        sessions.revoke(sessionId, "logout");
    }

    /** The answer, and the user's view it was made from. */
    private record Issued(TokenResponse response, Me me) {}

    private Issued tokens(UUID userId, UUID sessionId, String refreshToken, @Nullable String issuedTokenType) {
        Me me = views.me(userId).orElseThrow(RefreshTokenRejected::invalid);
        if (!me.isActive()) {
            throw new AccountDeactivated();
        }
        String accessToken = accessTokens.mint(userId, sessionId, me.email(), me.defaultTenantId());
        return new Issued(
                new TokenResponse(accessToken, "Bearer", accessTokens.ttl().toSeconds(), refreshToken, issuedTokenType),
                me);
    }
}
