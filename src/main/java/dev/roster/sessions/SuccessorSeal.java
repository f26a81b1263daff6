package dev.roster.sessions;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Seals a refresh token's successor so that only a holder of the rotated token can open it: AES-256-GCM under
 * SHA-256 of a label and the rotated token, with the rotated token's hash (the row's key) as associated data. The
 * database stores the rotated token only as its SHA-256, which is not the key, so the database alone opens nothing.
 * See docs/adr/003-refresh-rotation.md.
 */
final class SuccessorSeal {

    private static final byte[] LABEL = "roster refresh-token successor v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SuccessorSeal() {}

    static byte[] seal(String successor, String rotated, byte[] rotatedHash) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, rotated, nonce, rotatedHash);
            byte[] sealed = cipher.doFinal(successor.getBytes(StandardCharsets.US_ASCII));
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not seal a refresh token's successor", e);
        }
    }

    /** The successor, or null when {@code sealed} was not sealed for {@code rotated}. */
    static @Nullable String open(byte[] sealed, String rotated, byte[] rotatedHash) {
        if (sealed.length <= NONCE_BYTES) {
            return null;
        }
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, rotated, Arrays.copyOf(sealed, NONCE_BYTES), rotatedHash);
            byte[] plain = cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    private static Cipher cipher(int mode, String rotated, byte[] nonce, byte[] associatedData)
            throws GeneralSecurityException {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(LABEL);
        byte[] key = sha256.digest(rotated.getBytes(StandardCharsets.US_ASCII));
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        cipher.updateAAD(associatedData);
        return cipher;
    }
}
