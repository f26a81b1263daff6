package dev.roster.sessions;

import dev.roster.platform.ExactCache;
import dev.roster.platform.InvalidationBus;
import dev.roster.users.UserDeactivated;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Sessions and their refresh tokens. A refresh token is 256 random bits, handed out once and stored only as its
 * SHA-256. Using it marks it used and issues its successor. Presenting a used one again within the grace window (an
 * honest client's retry, or two tabs at once) answers the same successor; after it, the token was stolen (or
 * replayed), so the whole session is revoked. See docs/adr/003-refresh-rotation.md.
 */
@Repository
public class Sessions {

    /** Invalidation topic: a session was revoked; the key is its id. */
    static final String TOPIC = "session";

    private static final String INSERT_SESSION =
            "INSERT INTO sessions (id, user_id, expires_at) VALUES (:id, :userId, :expiresAt)";

    private static final String INSERT_REFRESH_TOKEN = """
            INSERT INTO refresh_tokens (token_hash, session_id, expires_at)
            VALUES (:hash, :sessionId, :expiresAt)
            """;

    // One round trip: claims the token (only an unused, unexpired token of a live session matches), inserts the
    // successor, expiring with its TTL but never after the session, and keeps it sealed for the grace window.
    private static final String ROTATE = """
            WITH claimed AS (
                UPDATE refresh_tokens rt SET used_at = now()
                FROM sessions s
                WHERE rt.token_hash = :hash AND rt.used_at IS NULL AND rt.expires_at > now()
                  AND s.id = rt.session_id AND s.revoked_at IS NULL AND s.expires_at > now()
                RETURNING s.id AS session_id, s.user_id, s.expires_at
            ), successor AS (
                INSERT INTO refresh_tokens (token_hash, session_id, expires_at)
                SELECT :successorHash, session_id, least(:successorExpiresAt, expires_at) FROM claimed
            ), kept AS (
                INSERT INTO refresh_token_successors (token_hash, successor_sealed)
                SELECT :hash, CAST(:sealed AS bytea) FROM claimed WHERE CAST(:sealed AS bytea) IS NOT NULL
            )
            SELECT session_id, user_id FROM claimed
            """;

    // A token that was used already: whether within the grace window, with its sealed successor, of a live session.
    private static final String FIND_USED_REFRESH_TOKEN = """
            SELECT rt.session_id, s.user_id, k.successor_sealed,
                   rt.used_at > now() - make_interval(secs => :graceSeconds) AS within_grace,
                   s.revoked_at IS NULL AND s.expires_at > now() AS session_live
            FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id
            LEFT JOIN refresh_token_successors k ON k.token_hash = rt.token_hash
            WHERE rt.token_hash = :hash AND rt.used_at IS NOT NULL
            """;

    private static final String REVOKE = """
            UPDATE sessions SET revoked_at = now(), revoked_reason = :reason
            WHERE id = :id AND revoked_at IS NULL
            """;

    private static final String REVOKE_ALL_OF_USER = """
            UPDATE sessions SET revoked_at = now(), revoked_reason = :reason
            WHERE user_id = :userId AND revoked_at IS NULL
            RETURNING id
            """;

    private static final String FIND_STATE = "SELECT user_id, expires_at, revoked_at FROM sessions WHERE id = :id";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final JdbcClient jdbc;
    private final InvalidationBus bus;
    private final Clock clock;
    private final Duration refreshTokenTtl;
    private final Duration maxLifetime;
    private final Duration reuseGrace;
    private final ExactCache<UUID, SessionState> states;

    Sessions(JdbcClient jdbc, InvalidationBus bus, Clock clock, TokenSettings tokens, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.bus = bus;
        this.clock = clock;
        this.refreshTokenTtl = tokens.refreshTokenTtl();
        this.maxLifetime = tokens.sessionMaxLifetime();
        this.reuseGrace = tokens.refreshReuseGrace();
        this.states = ExactCache.create("sessions", 200_000, bus, TOPIC, UUID::fromString, meters);
    }

    record NewSession(UUID sessionId, UUID userId, String refreshToken) {}

    /** Whether a session still stands; {@code UNKNOWN} (never existed, or deleted) does not. */
    record SessionState(@Nullable UUID userId, Instant expiresAt, boolean revoked) {
        static final SessionState UNKNOWN = new SessionState(null, Instant.EPOCH, true);

        boolean activeAt(Instant now) {
            return !revoked && now.isBefore(expiresAt);
        }
    }

    sealed interface Rotation {
        record Rotated(UUID sessionId, UUID userId, String refreshToken) implements Rotation {}

        record Reused(UUID sessionId) implements Rotation {}

        record Rejected() implements Rotation {}
    }

    @Transactional(propagation = Propagation.MANDATORY)
    NewSession create(UUID userId) {
        UUID id = UUID.randomUUID();
        Instant sessionExpiresAt = clock.instant().plus(maxLifetime);
        jdbc.sql(INSERT_SESSION)
                .param("id", id)
                .param("userId", userId)
                .param("expiresAt", timestamp(sessionExpiresAt))
                .update();
        return new NewSession(id, userId, issueRefreshToken(id, sessionExpiresAt));
    }

    /**
     * A session without a refresh token, for one client-credentials access token: it ends when the token does, and
     * with the account's deactivation (which revokes every session of the user), like any session.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    UUID createWithoutRefreshToken(UUID userId, Instant expiresAt) {
        UUID id = UUID.randomUUID();
        jdbc.sql(INSERT_SESSION)
                .param("id", id)
                .param("userId", userId)
                .param("expiresAt", timestamp(expiresAt))
                .update();
        return id;
    }

    /**
     * Uses {@code refreshToken} once: its successor, or why not. Presented again within the grace window, it answers
     * the same successor; after the window, a reuse revokes the session in this transaction.
     */
    @Transactional
    Rotation rotate(String refreshToken) {
        byte[] hash = Sha256.of(refreshToken);
        String successor = newToken();
        List<Claimed> claimed = jdbc.sql(ROTATE)
                .param("hash", hash)
                .param("sealed", reuseGrace.isZero() ? null : SuccessorSeal.seal(successor, refreshToken, hash))
                .param("successorHash", Sha256.of(successor))
                .param("successorExpiresAt", timestamp(clock.instant().plus(refreshTokenTtl)))
                .query((rs, i) ->
                        new Claimed(rs.getObject("session_id", UUID.class), rs.getObject("user_id", UUID.class)))
                .list();
        if (!claimed.isEmpty()) {
            Claimed c = claimed.getFirst();
            return new Rotation.Rotated(c.sessionId(), c.userId(), successor);
        }
        return jdbc.sql(FIND_USED_REFRESH_TOKEN)
                .param("hash", hash)
                .param("graceSeconds", reuseGrace.toNanos() / 1e9)
                .query((rs, i) -> usedAgain(
                        refreshToken,
                        hash,
                        new Used(
                                rs.getObject("session_id", UUID.class),
                                rs.getObject("user_id", UUID.class),
                                rs.getBytes("successor_sealed"),
                                rs.getBoolean("within_grace"),
                                rs.getBoolean("session_live"))))
                .optional()
                .orElseGet(Rotation.Rejected::new);
    }

    private record Claimed(UUID sessionId, UUID userId) {}

    private record Used(UUID sessionId, UUID userId, byte @Nullable [] sealed, boolean withinGrace, boolean live) {}

    private Rotation usedAgain(String refreshToken, byte[] hash, Used used) {
        if (!used.live()) {
            return new Rotation.Rejected();
        }
        String successor = used.withinGrace() && used.sealed() != null
                ? SuccessorSeal.open(used.sealed(), refreshToken, hash)
                : null;
        if (successor != null) {
            return new Rotation.Rotated(used.sessionId(), used.userId(), successor);
        }
        revoke(used.sessionId(), "refresh_token_reused");
        return new Rotation.Reused(used.sessionId());
    }

    /** Ends the session for every node: its access tokens are refused from the next request on. */
    @Transactional
    public boolean revoke(UUID sessionId, String reason) {
        int rows =
                jdbc.sql(REVOKE).param("id", sessionId).param("reason", reason).update();
        if (rows > 0) {
            bus.publish(TOPIC, sessionId.toString());
        }
        return rows > 0;
    }

    /** A deactivated user's sessions end with the deactivation, on every node from their next request. */
    @EventListener
    void on(UserDeactivated event) {
        List<UUID> ended = jdbc.sql(REVOKE_ALL_OF_USER)
                .param("userId", event.userId())
                .param("reason", "user_deactivated")
                .query(UUID.class)
                .list();
        ended.forEach(id -> bus.publish(TOPIC, id.toString()));
    }

    /** Whether the session stands now: from this node's cache (exact, see {@link ExactCache}) or one PK lookup. */
    boolean isActive(UUID sessionId) {
        SessionState state = states.get(sessionId, this::loadState);
        return state != null && state.activeAt(clock.instant());
    }

    private SessionState loadState(UUID sessionId) {
        return jdbc.sql(FIND_STATE)
                .param("id", sessionId)
                .query((rs, i) -> new SessionState(
                        rs.getObject("user_id", UUID.class),
                        rs.getObject("expires_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("revoked_at") != null))
                .optional()
                .orElse(SessionState.UNKNOWN);
    }

    /** A new refresh token for the session, expiring with its TTL but never after the session itself. */
    private String issueRefreshToken(UUID sessionId, Instant sessionExpiresAt) {
        String token = newToken();
        jdbc.sql(INSERT_REFRESH_TOKEN)
                .param("hash", Sha256.of(token))
                .param("sessionId", sessionId)
                .param("expiresAt", timestamp(min(clock.instant().plus(refreshTokenTtl), sessionExpiresAt)))
                .update();
        return token;
    }

    private static String newToken() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return BASE64URL.encodeToString(secret);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
