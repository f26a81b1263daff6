package dev.roster.sessions;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The key that encrypts signing keys at rest: {@code roster.keys.*}, i.e. {@code ROSTER_KEYS_*}. */
@ConfigurationProperties("roster.keys")
record KeySettings(@Nullable String encryptionKey) {}
