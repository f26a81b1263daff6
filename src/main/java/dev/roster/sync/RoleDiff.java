package dev.roster.sync;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a pull changes in a user's upstream memberships, by the upstream's tenant ids: exactly the difference between
 * what Roster holds and what the upstream says, compared as sets (order never matters).
 */
public record RoleDiff(List<Change> added, List<Change> changed, List<Change> removed) {

    /** One tenant's membership: its role before and after (null: none). */
    public record Change(
            String tenant,
            String tenantName,
            @Nullable String from,
            @Nullable String to) {}

    public static final RoleDiff NONE = new RoleDiff(List.of(), List.of(), List.of());

    /** From how many upstream memberships a swap of most of them is refused like a removal. */
    static final int GROSS_GUARD_FROM = 3;

    @JsonIgnore
    public boolean isEmpty() {
        return added.isEmpty() && changed.isEmpty() && removed.isEmpty();
    }

    /**
     * Why this diff must not be applied, or null when it may. An empty answer for a user who has upstream
     * memberships, or one that would take away more than {@code maxRemovalShare} of them (net of what it adds), is
     * refused: a directory that lost its data or answers for the wrong people must not empty Roster. So is replacing
     * more than that share of three or more memberships with others.
     */
    @Nullable
    String refusal(int upstreamHeld, boolean upstreamSaidNone, boolean allowEmpty, double maxRemovalShare) {
        if (upstreamSaidNone && upstreamHeld > 0 && !allowEmpty) {
            return "the upstream names no roles for a user who holds " + upstreamHeld + " upstream memberships";
        }
        int netRemoved = removed.size() - added.size();
        if (upstreamHeld > 0 && netRemoved > 0 && netRemoved > maxRemovalShare * upstreamHeld) {
            return "the pull would remove " + netRemoved + " of " + upstreamHeld + " upstream memberships (more than "
                    + Math.round(maxRemovalShare * 100) + " %)";
        }
        // Swapping most of several memberships for others (a directory that re-keyed its tenants, or answers with
        // someone else's record) removes as much as it adds, but is no smaller a change: gross removals count too,
        // from three memberships up (one unit exchanged for another stays a plain move).
        if (upstreamHeld >= GROSS_GUARD_FROM && removed.size() > maxRemovalShare * upstreamHeld) {
            return "the pull would replace " + removed.size() + " of " + upstreamHeld
                    + " upstream memberships (more than " + Math.round(maxRemovalShare * 100) + " %)";
        }
        return null;
    }
}
