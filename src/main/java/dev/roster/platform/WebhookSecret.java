package dev.roster.platform;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * A Standard Webhooks signing secret: 32 random bytes (the spec asks for 24 to 64), shown to people as
 * {@code whsec_<base64>}. Outgoing webhooks (the change feed) and incoming ones (webhook sources) use the same kind.
 */
public final class WebhookSecret {

    public static final String PREFIX = "whsec_";
    static final int BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;

    private WebhookSecret(byte[] key) {
        this.key = key;
    }

    public static WebhookSecret random() {
        byte[] key = new byte[BYTES];
        RANDOM.nextBytes(key);
        return new WebhookSecret(key);
    }

    /** The raw key, to encrypt at rest. */
    public byte[] key() {
        return key.clone();
    }

    /** {@code whsec_<base64>}: what the other side configures. */
    public String formatted() {
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }
}
