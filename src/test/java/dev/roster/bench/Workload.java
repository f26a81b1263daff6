package dev.roster.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What a load generator sends during one run, endlessly cycling, until its time is up. */
sealed interface Workload {

    /** GET requests, sent in turn. */
    record Gets(List<Get> requests) implements Workload {}

    /** One GET: a path with its query, and the access token to send as {@code Bearer}, if any. */
    record Get(String path, @Nullable String bearer) {}

    /**
     * The refresh grant ({@code POST /v1/auth/token}). Each refresh token is single-use: the one an answer carries
     * replaces the one used, and a used one is never sent again (that would revoke its session). The tokens still
     * unused after a run go back to {@code tokens} for the next one; those of requests cut off by the end of the run
     * are lost, a few per connection.
     */
    record Refreshes(RefreshTokens tokens) implements Workload {}

    /** The live refresh tokens, carried from run to run. */
    final class RefreshTokens {

        private final List<String> tokens;

        RefreshTokens(Collection<String> tokens) {
            this.tokens = new ArrayList<>(tokens);
        }

        /** Takes all of them for a run. */
        synchronized List<String> takeAll() {
            var taken = List.copyOf(tokens);
            tokens.clear();
            return taken;
        }

        /** Gives back those a run did not use. */
        synchronized void giveBack(Collection<String> unused) {
            tokens.addAll(unused);
        }
    }
}
