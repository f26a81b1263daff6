package dev.roster.serviceaccounts;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A service account as the admin API shows it, never with a secret. Its {@code id} is its user id: memberships,
 * grants ({@code user:<id>}) and checks name it like any user.
 *
 * @param secretCreatedAt when the current client secret was issued
 * @param previousSecretExpiresAt until when the secret replaced by the last rotation keeps working, if it still does
 */
public record ServiceAccount(
        UUID id,
        String clientId,
        String name,
        @Nullable String description,
        boolean isActive,
        Instant createdAt,
        @Nullable Instant secretCreatedAt,
        @Nullable Instant previousSecretExpiresAt) {

    /**
     * The {@code users.provider} of every service account. IMPORTANT: the directory sync selects users only by the
     * upstream's provider (a URL), which therefore must never be this value; {@code UserSync} refuses to run if it is.
     */
    public static final String PROVIDER = "roster:service-account";

    /** The address service accounts get ({@code users.email} is required): the reserved {@code .invalid} TLD. */
    static String email(String clientId) {
        return clientId + "@service-accounts.roster.invalid";
    }
}
