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

    /** JSON POSTs that change nothing (e.g. authorization checks), sent in turn like {@link Gets}. */
    record Posts(List<Post> requests) implements Workload {}

    /**
     * One POST of a JSON body to {@code path}, with the access token to send as {@code Bearer}. The body holds no
     * whitespace (wrk's data file is split on it).
     */
    record Post(String path, String bearer, String body) {}

    /**
     * JSON PUTs that each change what they target. The puts are dealt out: each connection (wrk: each thread) owns
     * every n-th one, so that no two send the same target, and sends its own in turn, each with {@code body} on its
     * first pass, {@code alternateBody} on the second, and so on. When {@code body} differs from the target's state
     * at the start of the run, every put changes it. A generator refuses a list with fewer puts than connections.
     */
    record Puts(List<Put> requests) implements Workload {}

    /** One PUT of a JSON body to {@code path}, with the access token to send as {@code Bearer}. */
    record Put(String path, String bearer, String body, String alternateBody) {}

    /**
     * A PUT, then at once a GET that must see its effect: the version the PUT answered (its {@code Roster-Version}
     * header, else {@code "version"} in its body) is appended to {@code readPath}, e.g. {@code /v1/me?min_version=}.
     * Only the GET is timed and counted; a PUT that fails or answers no version counts as a failed request. The puts
     * are dealt out and alternate as in {@link Puts}. The Java load generator only: wrk cannot chain requests.
     */
    record ReadsAfterPuts(List<ReadAfterPut> steps) implements Workload {}

    /** One step: the put, and the path and access token of the read that follows it. */
    record ReadAfterPut(Put put, String readPath, String readerBearer) {}

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
