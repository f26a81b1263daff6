package dev.roster.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Encrypts secrets Roster must be able to read back at rest: token signing keys, webhook signing secrets (AES-256-GCM,
 * 12-byte random nonce prepended, the secret's id as associated data, so a ciphertext moved to another row does not
 * decrypt).
 *
 * <p>The key-encryption key comes from {@code ROSTER_KEYS_ENCRYPTION_KEY} (32 bytes, base64). In dev mode without it,
 * Roster creates {@code <home>/key-encryption.key} readable by its owner only; outside dev mode it refuses to start.
 */
@Component
public class SecretEncryption {

    private static final Logger log = LoggerFactory.getLogger(SecretEncryption.class);
    private static final int NONCE_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    SecretEncryption(RosterProperties roster, @Value("${roster.keys.encryption-key:}") String configured) {
        this.key = new SecretKeySpec(loadKey(roster, configured), "AES");
    }

    private static byte[] loadKey(RosterProperties roster, String configured) {
        if (configured != null && !configured.isBlank()) {
            return decode(configured.trim(), "ROSTER_KEYS_ENCRYPTION_KEY");
        }
        if (!roster.isDevMode()) {
            throw new IllegalStateException("ROSTER_KEYS_ENCRYPTION_KEY must be set outside dev mode: 32 random bytes,"
                    + " base64-encoded (for example: openssl rand -base64 32)");
        }
        Path file = roster.home().resolve("key-encryption.key");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                byte[] fresh = new byte[32];
                RANDOM.nextBytes(fresh);
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, Base64.getEncoder().encodeToString(fresh));
                log.info("created the dev-mode key-encryption key {}", file.toAbsolutePath());
            }
            return decode(Files.readString(file, StandardCharsets.US_ASCII).trim(), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read or create " + file, e);
        }
    }

    private static byte[] decode(String base64, String source) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(source + " is not valid base64");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(source + " must decode to 32 bytes, not " + bytes.length);
        }
        return bytes;
    }

    public byte[] encrypt(byte[] plaintext, String associatedData) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not encrypt a secret", e);
        }
    }

    public byte[] decrypt(byte[] blob, String associatedData) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, blob, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(blob, NONCE_BYTES, blob.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "could not decrypt secret " + associatedData + ": wrong ROSTER_KEYS_ENCRYPTION_KEY?", e);
        }
    }
}
