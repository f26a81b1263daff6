package dev.roster.sync;

import org.jspecify.annotations.Nullable;

/**
 * What applying one change the upstream pushed (a webhook's event, a SCIM request) did: {@code CHANGED},
 * {@code UNCHANGED} (nothing to do, or Roster's own word stands: {@code detail} says which), or {@code REFUSED} (it
 * cannot be applied now: an unknown user or role, a guard; {@code detail} says why).
 */
public record UpstreamChange(SyncOutcome outcome, @Nullable String detail) {

    static UpstreamChange changed() {
        return new UpstreamChange(SyncOutcome.CHANGED, null);
    }

    static UpstreamChange unchanged(@Nullable String why) {
        return new UpstreamChange(SyncOutcome.UNCHANGED, why);
    }

    static UpstreamChange refused(String why) {
        return new UpstreamChange(SyncOutcome.REFUSED, why);
    }
}
