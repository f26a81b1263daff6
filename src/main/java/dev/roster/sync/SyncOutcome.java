package dev.roster.sync;

import java.util.Locale;

/** How one user's sync ended (the {@code outcome} label of {@code roster_role_sync_total}). */
public enum SyncOutcome {
    /** Something was applied. */
    CHANGED,
    /** The upstream agrees with Roster. */
    UNCHANGED,
    /** Roles were synced within the TTL (or another sync of the user is in flight): nothing asked. */
    SKIPPED_TTL,
    /** The upstream gave no usable answer; nothing changed. */
    UPSTREAM_ERROR,
    /** The answer was not applied: a guard (empty answer, mass removal, mass deprovisioning) stopped it. */
    REFUSED,
    /** Roster could not apply the answer (its database failed, or a fault of its own); nothing changed. */
    FAILED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
