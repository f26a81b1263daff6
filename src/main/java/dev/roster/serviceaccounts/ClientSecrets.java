package dev.roster.serviceaccounts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Client ids and secrets. A secret is 256 bits from {@link SecureRandom}, shown once and stored as its SHA-256: with
 * that much entropy a slow password hash adds nothing, and verifying stays a microsecond. Digests are compared in
 * constant time.
 */
final class ClientSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private ClientSecrets() {}

    /** {@code sa_} and 128 random bits in hex: not a secret, but unguessable all the same. */
    static String newClientId() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return "sa_" + HexFormat.of().formatHex(id);
    }

    static String newSecret() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return BASE64URL.encodeToString(secret);
    }

    static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Constant time in the digests' contents ({@link MessageDigest#isEqual}). */
    static boolean matches(byte[] presentedHash, byte[] storedHash) {
        return MessageDigest.isEqual(presentedHash, storedHash);
    }
}
