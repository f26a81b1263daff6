package dev.roster.connectors;

import java.util.List;

/**
 * An upstream that can be asked about a user at any time, not only when the user signs in: what role sync, the
 * sweep, admin force-sync and the search fallback pull from. Implementation: {@link RestDirectoryConnector}. An
 * OIDC provider is not one (it speaks only through the tokens users bring).
 *
 * <p>Every call first takes a permit from the {@link UpstreamBudget} (each retry too). Failures are typed
 * ({@link UpstreamCallFailed}); a user the directory does not know is an answer ({@link Lookup.Gone}), not a
 * failure. Users are named by the same external id the sign-in connector gives them.
 */
public interface UpstreamDirectory {

    /** The user as the directory knows them now. */
    Lookup fetch(String externalId, UpstreamBudget.Priority priority);

    /** Users matching {@code query} (at most {@code limit}); interactive, so it never waits for the budget. */
    List<UpstreamUser> search(String query, int limit);

    /** What the directory said about one user. */
    sealed interface Lookup {

        record Found(UpstreamUser user) implements Lookup {}

        /** The directory answered that it does not know the user (404). */
        record Gone() implements Lookup {}
    }
}
