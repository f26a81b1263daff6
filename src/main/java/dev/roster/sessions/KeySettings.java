package dev.roster.sessions;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The token signing keys: {@code roster.keys.*}, i.e. {@code ROSTER_KEYS_*}. How long verifiers may cache
 * {@code /.well-known/jwks.json}, and how long a rotated-in key is published before it signs (by default that same
 * max-age, so no verifier honouring the cache headers meets an unknown {@code kid}). The key that encrypts them at
 * rest, {@code ROSTER_KEYS_ENCRYPTION_KEY}, is read by {@code platform.SecretEncryption}.
 */
@ConfigurationProperties("roster.keys")
record KeySettings(
        @DefaultValue("5m") Duration jwksMaxAge, @Nullable Duration activationDelay) {

    /** How long {@code rotate-keys} publishes a new key before it signs. */
    Duration effectiveActivationDelay() {
        return activationDelay != null ? activationDelay : jwksMaxAge;
    }
}
