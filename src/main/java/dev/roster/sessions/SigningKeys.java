package dev.roster.sessions;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.roster.platform.InvalidationBus;
import dev.roster.platform.SecretEncryption;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The RSA keys that sign Roster's access tokens, kept in {@code signing_keys} (private halves encrypted by
 * {@link SecretEncryption}). A rotated-in key is published in the JWKS at once but signs only from its
 * {@code activates_at}, once verifiers' cached copies of the JWKS have expired; the key it replaces signs until then
 * (its {@code retired_at}) and stays published, and accepted, until every token it signed has expired. Each node
 * switches at the activation instant by itself (a reload scheduled for it; the five-minute reload is a fallback).
 * Generation and rotation hold an advisory lock, so nodes starting together create one key, not one each.
 */
@Component
public class SigningKeys {

    /** Invalidation topic: signing keys were added or retired; the key is empty. */
    static final String TOPIC = "signing-keys";

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final long ADVISORY_LOCK = 0x726f73746572L; // "roster"
    /** After a failed reload, the next attempt. */
    private static final Duration RELOAD_RETRY = Duration.ofSeconds(1);

    /** A reload scheduled for a transition never fires sooner than this (the database clock decides, not ours). */
    private static final Duration MIN_TRANSITION_DELAY = Duration.ofMillis(10);

    private static final String LOCK = "SELECT pg_advisory_xact_lock(:lock)";

    private static final String COUNT_SIGNING = """
            SELECT count(*) FROM signing_keys
            WHERE activates_at <= now() AND (retired_at IS NULL OR retired_at > now())
            """;

    private static final String INSERT = """
            INSERT INTO signing_keys (kid, algorithm, public_jwk, private_key_encrypted, activates_at)
            VALUES (:kid, 'RS256', :publicJwk, :privateKey, now() + make_interval(secs => :delaySeconds))
            RETURNING activates_at
            """;

    // The keys it replaces sign until the new one does; one already due to stop earlier keeps its own end.
    private static final String RETIRE_OTHERS = """
            UPDATE signing_keys SET retired_at = :activatesAt
            WHERE kid <> :kid AND (retired_at IS NULL OR retired_at > :activatesAt)
            """;

    // Published: every key not retired (those yet to sign included), and retired ones whose last token may still be
    // valid. The signer is the most recently activated key that signs now. Times are the database's, in seconds
    // from now, so that nodes whose clocks differ still switch together.
    private static final String FIND_PUBLISHED = """
            SELECT kid, public_jwk, private_key_encrypted,
                   activates_at <= now() AND (retired_at IS NULL OR retired_at > now()) AS signing,
                   extract(epoch FROM activates_at - now()) AS activates_in,
                   extract(epoch FROM retired_at - now()) AS retires_in
            FROM signing_keys
            WHERE retired_at IS NULL OR retired_at > now() - make_interval(secs => :graceSeconds)
            ORDER BY activates_at DESC, created_at DESC, kid
            """;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final SecretEncryption encryption;
    private final InvalidationBus bus;
    private final TaskScheduler scheduler;
    private final Duration grace;
    private final Duration activationDelay;
    private final Duration jwksMaxAge;
    private final ReentrantLock reloading = new ReentrantLock();
    private @Nullable ScheduledFuture<?> nextTransition;
    private volatile State state;

    record State(String activeKid, JWSSigner signer, Map<String, JWSVerifier> verifiers, JWKSet publicKeys) {}

    /** A rotation: the new key, published now, and the instant it starts signing. */
    public record Rotation(String kid, Instant activatesAt) {}

    SigningKeys(
            JdbcClient jdbc,
            TransactionTemplate tx,
            SecretEncryption encryption,
            InvalidationBus bus,
            TaskScheduler scheduler,
            TokenSettings tokens,
            KeySettings keys) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.encryption = encryption;
        this.bus = bus;
        this.scheduler = scheduler;
        this.grace = tokens.accessTokenTtl().plusMinutes(1);
        this.activationDelay = keys.effectiveActivationDelay();
        this.jwksMaxAge = keys.jwksMaxAge();
        tx.executeWithoutResult(status -> {
            lock();
            // The first key ever, or a start after every key was retired: nothing else could sign, so it signs at once.
            if (jdbc.sql(COUNT_SIGNING).query(Long.class).single() == 0) {
                String kid = insertNewKey(Duration.ZERO).kid();
                log.info("generated a token signing key {}, signing at once", kid);
            }
        });
        this.state = load();
        bus.subscribe(TOPIC, key -> reload(), this::reload);
    }

    /**
     * Adds a new signing key, published at once, that takes over signing after the activation delay (by default the
     * JWKS max-age); the current key signs until then. Every node switches at that instant by itself.
     */
    public Rotation rotate() {
        Rotation rotation = tx.execute(status -> {
            lock();
            Rotation fresh = insertNewKey(activationDelay);
            jdbc.sql(RETIRE_OTHERS)
                    .param("kid", fresh.kid())
                    .param("activatesAt", Timestamp.from(fresh.activatesAt()))
                    .update();
            bus.publish(TOPIC, "");
            return fresh;
        });
        log.info(
                "rotated token signing key: {} is published now and signs from {}",
                rotation.kid(),
                rotation.activatesAt());
        return rotation;
    }

    /** The key id and signer as one snapshot: a rotation between two reads would pair one kid with another key. */
    State current() {
        return state;
    }

    @Nullable
    JWSVerifier verifier(String kid) {
        return state.verifiers().get(kid);
    }

    /** The public keys, as {@code /.well-known/jwks.json} serves them. */
    public Map<String, Object> jwks() {
        return state.publicKeys().toJSONObject(true);
    }

    /** How long verifiers may cache the JWKS: its {@code Cache-Control: max-age}. */
    public Duration jwksMaxAge() {
        return jwksMaxAge;
    }

    /**
     * Picks up key changes: on a notification, at a scheduled activation, and every five minutes (dropping retired
     * keys whose grace period is over, and anything a lost notification missed).
     */
    @Scheduled(fixedDelayString = "PT5M", initialDelayString = "PT5M")
    void reload() {
        reloading.lock();
        try {
            this.state = load();
        } catch (RuntimeException e) {
            // A database blip must not leave this node on a key that stopped signing until the five-minute reload.
            log.warn("could not reload the signing keys, retrying in {}: {}", RELOAD_RETRY, e.toString());
            scheduleReloadIn(RELOAD_RETRY);
        } finally {
            reloading.unlock();
        }
    }

    private void lock() {
        jdbc.sql(LOCK).param("lock", ADVISORY_LOCK).query().singleValue();
    }

    private Rotation insertNewKey(Duration activationDelay) {
        try {
            String kid = UUID.randomUUID().toString();
            RSAKey key = new RSAKeyGenerator(2048)
                    .keyID(kid)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .generate();
            Timestamp activatesAt = jdbc.sql(INSERT)
                    .param("kid", kid)
                    .param("publicJwk", key.toPublicJWK().toJSONString())
                    .param("privateKey", encryption.encrypt(key.toJSONString().getBytes(StandardCharsets.UTF_8), kid))
                    .param("delaySeconds", activationDelay.toMillis() / 1000.0)
                    .query(Timestamp.class)
                    .single();
            return new Rotation(kid, activatesAt.toInstant());
        } catch (JOSEException e) {
            throw new IllegalStateException("could not generate an RSA signing key", e);
        }
    }

    /** Reads the published keys and schedules a reload for the next instant the signer changes. */
    private State load() {
        var rows = jdbc.sql(FIND_PUBLISHED)
                .param("graceSeconds", (double) grace.toSeconds())
                .query((rs, i) -> new StoredKey(
                        rs.getString("kid"),
                        rs.getString("public_jwk"),
                        rs.getBytes("private_key_encrypted"),
                        rs.getBoolean("signing"),
                        seconds(rs.getBigDecimal("activates_in")),
                        seconds(rs.getBigDecimal("retires_in"))))
                .list();
        String activeKid = null;
        JWSSigner signer = null;
        Map<String, JWSVerifier> verifiers = new HashMap<>();
        List<JWK> published = new ArrayList<>();
        Duration untilTransition = null;
        try {
            for (StoredKey row : rows) {
                RSAKey publicKey = RSAKey.parse(row.publicJwk());
                published.add(publicKey);
                verifiers.put(row.kid(), new RSASSAVerifier(publicKey));
                if (signer == null && row.signing()) {
                    RSAKey privateKey = RSAKey.parse(
                            new String(encryption.decrypt(row.privateKey(), row.kid()), StandardCharsets.UTF_8));
                    signer = new RSASSASigner(privateKey);
                    activeKid = row.kid();
                }
                for (Duration in : new Duration[] {row.activatesIn(), row.retiresIn()}) {
                    if (in != null
                            && in.isPositive()
                            && (untilTransition == null || in.compareTo(untilTransition) < 0)) {
                        untilTransition = in;
                    }
                }
            }
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("a stored signing key is unreadable", e);
        }
        if (signer == null || activeKid == null) {
            throw new IllegalStateException("no active signing key in signing_keys");
        }
        scheduleReloadIn(untilTransition);
        return new State(activeKid, signer, Map.copyOf(verifiers), new JWKSet(published));
    }

    private record StoredKey(
            String kid,
            String publicJwk,
            byte[] privateKey,
            boolean signing,
            @Nullable Duration activatesIn,
            @Nullable Duration retiresIn) {}

    private static @Nullable Duration seconds(@Nullable BigDecimal seconds) {
        return seconds == null
                ? null
                : Duration.ofNanos(seconds.movePointRight(9).longValue());
    }

    /** One pending reload at most: the next transition replaces any earlier schedule. */
    private void scheduleReloadIn(@Nullable Duration delay) {
        reloading.lock();
        try {
            if (nextTransition != null) {
                nextTransition.cancel(false);
                nextTransition = null;
            }
            if (delay != null) {
                Duration wait = delay.compareTo(MIN_TRANSITION_DELAY) < 0 ? MIN_TRANSITION_DELAY : delay;
                nextTransition = scheduler.schedule(this::reload, Instant.now().plus(wait));
            }
        } finally {
            reloading.unlock();
        }
    }
}
