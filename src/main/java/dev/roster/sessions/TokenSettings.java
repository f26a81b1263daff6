package dev.roster.sessions;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Lifetimes and limits of the tokens Roster issues: {@code roster.tokens.*}, i.e. {@code ROSTER_TOKENS_*}. */
@ConfigurationProperties("roster.tokens")
public record TokenSettings(
        @DefaultValue("15m") Duration accessTokenTtl,
        @DefaultValue("14d") Duration refreshTokenTtl,
        @DefaultValue("30d") Duration sessionMaxLifetime,
        @DefaultValue("100000") long verifiedTokenCacheSize,
        @DefaultValue("roster_refresh_token") String refreshCookieName) {}
