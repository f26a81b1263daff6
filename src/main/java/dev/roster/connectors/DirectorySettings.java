package dev.roster.connectors;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

/**
 * The upstream REST directory: {@code roster.directory.*}, i.e. {@code ROSTER_DIRECTORY_*}. Without a base URL there
 * is no directory. The contract it must speak is in {@code docs/configuration.md} ("REST directory connector").
 */
@ConfigurationProperties("roster.directory")
public record DirectorySettings(
        @Nullable String baseUrl,
        @Nullable String apiKey,
        @DefaultValue("X-API-Key") String apiKeyHeader,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("5s") Duration readTimeout,
        @DefaultValue("1h") Duration tokenLifetime,
        @DefaultValue("true") boolean emailVerifiedDefault,
        @DefaultValue("1MB") DataSize maxBodySize,
        @DefaultValue RetryPolicy retry,
        @DefaultValue BreakerPolicy circuitBreaker,
        @DefaultValue Fields fields,
        @DefaultValue("false") boolean writeBack) {

    /**
     * The same settings for the directory at {@code url}, with {@code key} (the demo directory simulator, which takes
     * Roster's membership changes back).
     */
    public DirectorySettings pointingAt(String url, String key) {
        return new DirectorySettings(
                url,
                key,
                apiKeyHeader,
                connectTimeout,
                readTimeout,
                tokenLifetime,
                emailVerifiedDefault,
                maxBodySize,
                retry,
                circuitBreaker,
                fields,
                true);
    }

    public boolean isConfigured() {
        return StringUtils.hasText(baseUrl);
    }

    /** Never the API key: settings end up in logs and error messages. */
    @Override
    public String toString() {
        return "DirectorySettings[baseUrl=" + baseUrl + ", apiKey=" + (StringUtils.hasText(apiKey) ? "(set)" : "(none)")
                + ", apiKeyHeader=" + apiKeyHeader + ", connectTimeout=" + connectTimeout + ", readTimeout="
                + readTimeout + ", tokenLifetime=" + tokenLifetime + ", emailVerifiedDefault=" + emailVerifiedDefault
                + ", maxBodySize=" + maxBodySize + ", retry=" + retry + ", circuitBreaker=" + circuitBreaker
                + ", fields=" + fields + "]";
    }

    /**
     * Retries of failed reads (network, timeout, 5xx): {@code maxAttempts} in all, waiting {@code initialWait}, then
     * {@code multiplier} times longer each time, each wait varied by up to ±{@code jitter} (a fraction, 0 for none).
     */
    public record RetryPolicy(
            @DefaultValue("3") int maxAttempts,
            @DefaultValue("200ms") Duration initialWait,
            @DefaultValue("2") double multiplier,
            @DefaultValue("0.5") double jitter) {}

    /**
     * Opens when at least {@code failureRateThreshold} percent of the last {@code slidingWindow} calls (counted once
     * {@code minimumCalls} were made) failed with network, timeout or 5xx; while open, calls fail at once for
     * {@code openFor}, then a few trial calls decide whether it closes.
     */
    public record BreakerPolicy(
            @DefaultValue("50") float failureRateThreshold,
            @DefaultValue("20") int slidingWindow,
            @DefaultValue("10") int minimumCalls,
            @DefaultValue("30s") Duration openFor) {}

    /**
     * The names the directory gives the fields of a user (top-level keys of the user object), of the user's role
     * entries, of the object in a role entry that names the tenant, and of the array in a search answer.
     */
    public record Fields(
            @DefaultValue("id") String id,
            @DefaultValue("email") String email,
            @DefaultValue("email_verified") String emailVerified,
            @DefaultValue("username") String username,
            @DefaultValue("first_name") String firstName,
            @DefaultValue("middle_name") String middleName,
            @DefaultValue("last_name") String lastName,
            @DefaultValue("display_name") String displayName,
            @DefaultValue("image") String image,
            @DefaultValue("position_title") String positionTitle,
            @DefaultValue("division") String division,
            @DefaultValue("department") String department,
            @DefaultValue("section") String section,
            @DefaultValue("custom_team") String customTeam,
            @DefaultValue("hierarchy_level") String hierarchyLevel,
            @DefaultValue("reports_to") String reportsTo,
            @DefaultValue("is_active") String active,
            @DefaultValue("is_leader") String leader,
            @DefaultValue("roles") String roles,
            @DefaultValue("role") String role,
            @DefaultValue("on") String roleTenant,
            @DefaultValue("tenant") String tenantId,
            @DefaultValue("name") String tenantName,
            @DefaultValue("users") String searchResults) {}
}
