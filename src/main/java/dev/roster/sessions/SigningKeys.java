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
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The RSA keys that sign Roster's access tokens, kept in {@code signing_keys} (private halves encrypted by
 * {@link KeyEncryption}). The newest unretired key signs. Retired keys stay published in the JWKS, and accepted,
 * until every token they signed has expired. Generation and rotation hold an advisory lock, so nodes starting
 * together create one key, not one each.
 */
@Component
public class SigningKeys {

    /** Invalidation topic: signing keys were added or retired; the key is empty. */
    static final String TOPIC = "signing-keys";

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final long ADVISORY_LOCK = 0x726f73746572L; // "roster"

    private static final String LOCK = "SELECT pg_advisory_xact_lock(:lock)";

    private static final String COUNT_ACTIVE = "SELECT count(*) FROM signing_keys WHERE retired_at IS NULL";

    private static final String INSERT = """
            INSERT INTO signing_keys (kid, algorithm, public_jwk, private_key_encrypted)
            VALUES (:kid, 'RS256', :publicJwk, :privateKey)
            """;

    private static final String RETIRE_OTHERS =
            "UPDATE signing_keys SET retired_at = now() WHERE retired_at IS NULL AND kid <> :kid";

    // Published: unretired keys, and retired ones whose last token may still be valid.
    private static final String FIND_PUBLISHED = """
            SELECT kid, public_jwk, private_key_encrypted, retired_at IS NULL AS active
            FROM signing_keys
            WHERE retired_at IS NULL OR retired_at > now() - make_interval(secs => :graceSeconds)
            ORDER BY created_at DESC, kid
            """;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final KeyEncryption encryption;
    private final InvalidationBus bus;
    private final Duration grace;
    private volatile State state;

    record State(String activeKid, JWSSigner signer, Map<String, JWSVerifier> verifiers, JWKSet publicKeys) {}

    SigningKeys(
            JdbcClient jdbc,
            TransactionTemplate tx,
            KeyEncryption encryption,
            InvalidationBus bus,
            TokenSettings tokens) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.encryption = encryption;
        this.bus = bus;
        this.grace = tokens.accessTokenTtl().plusMinutes(1);
        tx.executeWithoutResult(status -> {
            lock();
            if (jdbc.sql(COUNT_ACTIVE).query(Long.class).single() == 0) {
                String kid = insertNewKey();
                log.info("generated the first token signing key {}", kid);
            }
        });
        this.state = load();
        bus.subscribe(TOPIC, key -> reload(), this::reload);
    }

    /** Adds a new signing key and retires the others; every node starts signing with it at once. */
    public String rotate() {
        String kid = tx.execute(status -> {
            lock();
            String fresh = insertNewKey();
            jdbc.sql(RETIRE_OTHERS).param("kid", fresh).update();
            bus.publish(TOPIC, "");
            return fresh;
        });
        log.info("rotated token signing key: {} signs from now on", kid);
        return kid;
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

    /** Drops retired keys whose grace period is over (and picks up any change a lost notification missed). */
    @Scheduled(fixedDelayString = "PT5M", initialDelayString = "PT5M")
    void reload() {
        this.state = load();
    }

    private void lock() {
        jdbc.sql(LOCK).param("lock", ADVISORY_LOCK).query().singleValue();
    }

    private String insertNewKey() {
        try {
            String kid = UUID.randomUUID().toString();
            RSAKey key = new RSAKeyGenerator(2048)
                    .keyID(kid)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .generate();
            jdbc.sql(INSERT)
                    .param("kid", kid)
                    .param("publicJwk", key.toPublicJWK().toJSONString())
                    .param("privateKey", encryption.encrypt(key.toJSONString().getBytes(StandardCharsets.UTF_8), kid))
                    .update();
            return kid;
        } catch (JOSEException e) {
            throw new IllegalStateException("could not generate an RSA signing key", e);
        }
    }

    private State load() {
        var rows = jdbc.sql(FIND_PUBLISHED)
                .param("graceSeconds", (double) grace.toSeconds())
                .query((rs, i) -> new Object[] {
                    rs.getString("kid"),
                    rs.getString("public_jwk"),
                    rs.getBytes("private_key_encrypted"),
                    rs.getBoolean("active")
                })
                .list();
        String activeKid = null;
        JWSSigner signer = null;
        Map<String, JWSVerifier> verifiers = new HashMap<>();
        List<JWK> published = new ArrayList<>();
        try {
            for (Object[] row : rows) {
                String kid = (String) row[0];
                RSAKey publicKey = RSAKey.parse((String) row[1]);
                published.add(publicKey);
                verifiers.put(kid, new RSASSAVerifier(publicKey));
                if (signer == null && (Boolean) row[3]) {
                    RSAKey privateKey =
                            RSAKey.parse(new String(encryption.decrypt((byte[]) row[2], kid), StandardCharsets.UTF_8));
                    signer = new RSASSASigner(privateKey);
                    activeKid = kid;
                }
            }
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("a stored signing key is unreadable", e);
        }
        if (signer == null || activeKid == null) {
            throw new IllegalStateException("no active signing key in signing_keys");
        }
        return new State(activeKid, signer, Map.copyOf(verifiers), new JWKSet(published));
    }
}
