package dev.roster.scim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * SCIM client tokens: {@code scim_} and 256 bits from {@link SecureRandom}, shown once and stored as their SHA-256.
 * With that much entropy a slow password hash adds nothing, and a request's lookup stays one primary-key probe; the
 * prefix lets Roster tell them from access tokens (and secret scanners find them).
 */
final class ScimTokens {

    static final String PREFIX = "scim_";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private ScimTokens() {}

    static String newToken() {
        byte[] token = new byte[32];
        RANDOM.nextBytes(token);
        return PREFIX + BASE64URL.encodeToString(token);
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
