package dev.roster.bench;

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
     * replaces the one used, and a used one is never sent again (that would revoke its session).
     */
    record Refreshes(List<String> refreshTokens) implements Workload {}
}
