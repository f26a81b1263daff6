package dev.roster.users;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A page of the admin user search. {@code source} says where the users came from ({@code local}, or
 * {@code local+upstream} when the directory was asked and its answer merged in); {@code upstream} how the directory
 * took part ({@code not_asked}, {@code answered}, {@code skipped}, {@code unavailable}); {@code staleAsOf} the oldest
 * moment any user on the page was last synced from the upstream (the page is at least that fresh).
 */
public record UserSearchAnswer(
        List<UserSummary> items,
        @Nullable String nextCursor,
        long total,
        String source,
        String upstream,
        @Nullable Instant staleAsOf) {}
