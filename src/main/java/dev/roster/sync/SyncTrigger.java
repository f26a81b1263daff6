package dev.roster.sync;

import java.util.Locale;

/** Who asked for a sync (the {@code trigger} label of {@code roster_role_sync_total}). */
public enum SyncTrigger {
    SIGN_IN,
    REFRESH,
    SWEEP,
    ADMIN,
    /** A change the upstream pushed through an inbound webhook. */
    WEBHOOK,
    /** A change an identity provider provisioned over SCIM ({@code /scim/v2}). */
    SCIM;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
