package dev.roster.users;

/**
 * The admin search's fallback to the upstream directory (implemented by {@code sync/}, which owns everything that
 * talks to the upstream): asks the directory for users matching a query and upserts what it returns, so that the
 * search, run again, finds them locally. Bounded in time: a slow or absent directory is skipped, never waited for.
 */
public interface UpstreamSearch {

    /** How the upstream took part in an answer. */
    enum Outcome {
        /** No directory can search (an OIDC provider cannot). */
        UNAVAILABLE,
        /** The directory answered in time with users Roster did not have; they are upserted. */
        ANSWERED,
        /** The directory answered in time, with no user Roster did not already have (profiles are refreshed). */
        NOTHING_NEW,
        /** The directory was slow, down, or out of budget: the answer is local only. */
        SKIPPED
    }

    Outcome search(String query, int limit);
}
