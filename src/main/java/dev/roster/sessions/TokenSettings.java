package dev.roster.sessions;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Lifetimes and limits of the tokens Roster issues: {@code roster.tokens.*}, i.e. {@code ROSTER_TOKENS_*}.
 *
 * @param refreshReuseGrace how long a rotated refresh token, presented again, still gets its successor instead of
 *     revoking the session (see docs/adr/003-refresh-rotation.md); {@code 0} is strict rotation
 * @param audience the {@code aud} of access tokens; Roster's public URL when unset
 */
@ConfigurationProperties("roster.tokens")
public record TokenSettings(
        @DefaultValue("15m") Duration accessTokenTtl,
        @DefaultValue("14d") Duration refreshTokenTtl,
        @DefaultValue("30d") Duration sessionMaxLifetime,
        @DefaultValue("10s") Duration refreshReuseGrace,
        @Nullable String audience,
        @DefaultValue("100000") long verifiedTokenCacheSize,
        @DefaultValue("roster_refresh_token") String refreshCookieName) {

    public TokenSettings {
        if (refreshReuseGrace.isNegative()) {
            throw new IllegalArgumentException("roster.tokens.refresh-reuse-grace must not be negative");
        }
    }
}
