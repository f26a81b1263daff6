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

    /**
     * A pull: Roster asked the directory, and whoever asked meters the sync (its time includes the directory's
     * answer). The other doors meter themselves in {@link UserSync}.
     */
    boolean pulled() {
        return this == REFRESH || this == SWEEP || this == ADMIN;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
