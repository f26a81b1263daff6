package dev.roster.serviceaccounts;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code roster.service-accounts.*}, i.e. {@code ROSTER_SERVICE_ACCOUNTS_*}.
 *
 * @param secretOverlap how long the secret a rotation replaces keeps working beside the new one, so that every
 *     instance of the backend can switch without a failed request; {@code 0} ends it at once
 */
@ConfigurationProperties("roster.service-accounts")
public record ServiceAccountSettings(@DefaultValue("1h") Duration secretOverlap) {

    public ServiceAccountSettings {
        if (secretOverlap.isNegative()) {
            throw new IllegalArgumentException("roster.service-accounts.secret-overlap must not be negative");
        }
    }
}
