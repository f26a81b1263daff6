package dev.roster.sync;

import dev.roster.connectors.UpstreamBudget.Priority;
import dev.roster.connectors.UpstreamCallFailed;
import dev.roster.connectors.UpstreamDirectory;
import dev.roster.connectors.UpstreamDirectory.Lookup;
import dev.roster.connectors.UpstreamUser;
import dev.roster.platform.LogThrottle;
import dev.roster.sync.UserSync.Options;
import dev.roster.sync.UserSync.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * Pulling a user from the upstream directory: claim the user's sync (at most one in flight per user, cluster-wide),
 * ask the directory outside any transaction, apply the answer through {@link UserSync}. An upstream failure changes
 * nothing and keeps the claim for {@code roster.sync.error-backoff}, so a failing directory is not asked again for
 * the same user on every refresh. Without a directory (an OIDC provider only speaks through sign-in tokens) there is
 * nothing to pull.
 */
@Service
public class DirectoryPull {

    private static final Logger log = LoggerFactory.getLogger(DirectoryPull.class);

    private final @Nullable UpstreamDirectory directory;
    private final UserSync sync;
    private final SyncedUsers users;
    private final SyncSettings settings;
    private final SyncMetrics metrics;
    private final LogThrottle failureWarnings = new LogThrottle(Duration.ofMinutes(1));
    private final LogThrottle failures = new LogThrottle(Duration.ofMinutes(1));
    private final LogThrottle batchFailures = new LogThrottle(Duration.ofMinutes(1));
    // This node's view of the directory's health, for GET /v1/sync/status.
    private volatile @Nullable Instant lastAnswerAt;
    private volatile @Nullable Instant lastFailureAt;
    private volatile @Nullable String lastFailure;

    DirectoryPull(
            ObjectProvider<UpstreamDirectory> directory,
            UserSync sync,
            SyncedUsers users,
            SyncSettings settings,
            SyncMetrics metrics) {
        this.directory = directory.getIfAvailable();
        this.sync = sync;
        this.users = users;
        this.settings = settings;
        this.metrics = metrics;
    }

    String provider() {
        return sync.provider();
    }

    public boolean hasDirectory() {
        return directory != null;
    }

    Optional<UpstreamDirectory> directory() {
        return Optional.ofNullable(directory);
    }

    /**
     * Syncs one user unless their roles are fresher than the TTL ({@code force} ignores it) or another sync of
     * theirs is in flight: then {@link SyncOutcome#SKIPPED_TTL}.
     */
    public Result sync(UUID userId, SyncTrigger trigger, boolean force, Options options) {
        long start = System.nanoTime();
        Optional<SyncedUsers.Claimed> claimed =
                users.claim(provider(), userId, settings.claimTimeout(), force, settings.rolesTtl());
        if (claimed.isEmpty()) {
            Result skipped = new Result(userId, SyncOutcome.SKIPPED_TTL, RoleDiff.NONE, true, null);
            metrics.synced(trigger, SyncOutcome.SKIPPED_TTL, Duration.ZERO);
            return skipped;
        }
        return pullClaimed(claimed.get(), trigger, options, start);
    }

    /**
     * Pulls a user this node has claimed. The answer is applied only while the claim is still this pull's: {@link
     * SyncOutcome#SKIPPED_TTL} when a newer sync came first.
     */
    Result pullClaimed(SyncedUsers.Claimed claimed, SyncTrigger trigger, Options options, long start) {
        return switch (fetch(claimed, trigger, start)) {
            case Fetched.Failed failed -> failed.result();
            case Fetched.Answered answered -> applyOne(answered, trigger, options);
        };
    }

    /** A claimed user's pull once the directory was asked: its answer, or how it failed (already counted). */
    sealed interface Fetched {
        SyncedUsers.Claimed claimed();

        /** The directory's answer: {@code user} as it describes them, or null when it does not know them. */
        record Answered(
                SyncedUsers.Claimed claimed, @Nullable UpstreamUser user, long start) implements Fetched {}

        record Failed(SyncedUsers.Claimed claimed, Result result) implements Fetched {}
    }

    /**
     * Asks the directory about a claimed user, outside any transaction. A failure keeps the claim for the back-off,
     * and is counted and answered here; nothing is applied.
     */
    Fetched fetch(SyncedUsers.Claimed claimed, SyncTrigger trigger, long start) {
        UUID userId = claimed.id();
        String externalId = claimed.externalId();
        UpstreamDirectory dir = directory;
        if (dir == null) {
            users.holdClaim(claimed, Duration.ZERO);
            return new Fetched.Failed(claimed, failed(userId, trigger, "no upstream directory is configured", start));
        }
        try {
            // Every pull takes its permit like background work (an admin's force-sync too): only sign-in and the
            // search fallback, which someone is waiting for, go first.
            Lookup answer = dir.fetch(externalId, Priority.BACKGROUND);
            Fetched fetched = switch (answer) {
                case Lookup.Found found
                when !found.user().externalId().equals(externalId) ->
                    throw new UpstreamCallFailed(
                            UpstreamCallFailed.Kind.MALFORMED,
                            "asked for user '" + externalId + "', the directory answered with '"
                                    + found.user().externalId() + "'");
                case Lookup.Found found -> new Fetched.Answered(claimed, found.user(), start);
                case Lookup.Gone gone -> new Fetched.Answered(claimed, null, start);
            };
            lastAnswerAt = Instant.now();
            return fetched;
        } catch (UpstreamCallFailed e) {
            if (Thread.currentThread().isInterrupted() || e.getCause() instanceof InterruptedException) {
                // Roster is stopping, not the directory failing: no back-off; the claim lapses on its own.
                return new Fetched.Failed(
                        claimed,
                        counted(
                                trigger,
                                new Result(userId, SyncOutcome.FAILED, RoleDiff.NONE, true, "shutting down"),
                                start));
            }
            lastFailureAt = Instant.now();
            lastFailure = describe(e);
            users.holdClaim(claimed, backOff(trigger));
            warn(e);
            if (e.kind() == UpstreamCallFailed.Kind.UNAUTHORIZED) {
                // The directory refused Roster's key: an answer about Roster, never about the user. Refused, like an
                // empty answer, and never a reason to change anything.
                metrics.refused("unauthorized");
                return new Fetched.Failed(
                        claimed,
                        counted(
                                trigger,
                                new Result(userId, SyncOutcome.REFUSED, RoleDiff.NONE, true, describe(e)),
                                start));
            }
            return new Fetched.Failed(claimed, failed(userId, trigger, describe(e), start));
        } catch (RuntimeException e) {
            // Roster's own failure on the way (the rate budget's database): counted as such, the claim kept.
            return new Fetched.Failed(claimed, failedInRoster(claimed, trigger, e, start));
        }
    }

    private Result applyOne(Fetched.Answered answered, SyncTrigger trigger, Options options) {
        SyncedUsers.Claimed claimed = answered.claimed();
        Result result;
        try {
            result = sync.applyPulled(List.of(new UserSync.Pulled(claimed, answered.user())), trigger, options)
                    .getFirst();
        } catch (RuntimeException e) {
            return failedInRoster(claimed, trigger, e, answered.start());
        }
        return settled(answered, result, trigger, options);
    }

    /**
     * Applies the answers of a batch of pulls (the sweep's): in one transaction, profiles in one statement; should
     * that fail, one by one, so that one user's failure costs the others nothing. Results in {@code fetched}'s order,
     * each counted.
     */
    List<Result> applyBatch(List<Fetched> fetched, SyncTrigger trigger) {
        List<Fetched.Answered> answered = fetched.stream()
                .filter(f -> f instanceof Fetched.Answered)
                .map(f -> (Fetched.Answered) f)
                .toList();
        Map<UUID, Result> applied = new HashMap<>();
        if (!answered.isEmpty()) {
            List<Result> results = null;
            try {
                results = sync.applyPulled(
                        answered.stream()
                                .map(a -> new UserSync.Pulled(a.claimed(), a.user()))
                                .toList(),
                        trigger,
                        Options.APPLY);
            } catch (RuntimeException e) {
                batchFailures
                        .pass()
                        .ifPresentOrElse(
                                heldBack -> log.warn(
                                        "applying a batch of {} pulls failed; applying them one by one ({} more"
                                                + " since the previous warning)",
                                        answered.size(),
                                        heldBack,
                                        e),
                                () -> log.debug("applying a batch of {} pulls failed", answered.size(), e));
                for (Fetched.Answered a : answered) {
                    applied.put(a.claimed().id(), applyOne(a, trigger, Options.APPLY));
                }
            }
            // Committed: what follows (claims kept after refusals) is no reason to apply the batch again.
            for (int i = 0; results != null && i < answered.size(); i++) {
                applied.put(
                        answered.get(i).claimed().id(),
                        settled(answered.get(i), results.get(i), trigger, Options.APPLY));
            }
        }
        return fetched.stream()
                .map(f -> switch (f) {
                    case Fetched.Failed failed -> failed.result();
                    case Fetched.Answered a -> applied.get(a.claimed().id());
                })
                .toList();
    }

    /** An applied answer's aftermath: the claim released after a dry run, kept for the back-off after a refusal. */
    private Result settled(Fetched.Answered answered, Result result, SyncTrigger trigger, Options options) {
        if (options.dryRun()) {
            users.holdClaim(answered.claimed(), Duration.ZERO);
        } else if (result.outcome() == SyncOutcome.REFUSED) {
            users.holdClaim(answered.claimed(), backOff(trigger));
        }
        return counted(trigger, result, answered.start());
    }

    /**
     * Roster's own failure (its database, most likely): nothing was applied (a transaction rolled back), and the
     * caller still gets an answer for this user, not an exception for the whole batch.
     */
    private Result failedInRoster(SyncedUsers.Claimed claimed, SyncTrigger trigger, RuntimeException e, long start) {
        UUID userId = claimed.id();
        failures.pass()
                .ifPresentOrElse(
                        heldBack -> log.error(
                                "syncing user {} failed in Roster; nothing changed ({} more"
                                        + " failures since the previous one logged)",
                                userId,
                                heldBack,
                                e),
                        () -> log.debug("syncing user {} failed in Roster", userId, e));
        holdClaimQuietly(claimed, backOff(trigger));
        return counted(
                trigger,
                new Result(userId, SyncOutcome.FAILED, RoleDiff.NONE, true, "failed: " + e.getMessage()),
                start);
    }

    private Result counted(SyncTrigger trigger, Result result, long start) {
        metrics.synced(trigger, result.outcome(), Duration.ofNanos(System.nanoTime() - start));
        return result;
    }

    /** The claim kept for a back-off, unless the database that just failed cannot take it: it lapses on its own. */
    private void holdClaimQuietly(SyncedUsers.Claimed claimed, Duration hold) {
        try {
            users.holdClaim(claimed, hold);
        } catch (RuntimeException e) {
            log.debug("could not keep user {}'s sync claim; it lapses on its own", claimed.id(), e);
        }
    }

    /** The directory as this node saw it last: when it last answered, when and how it last failed. */
    public record Health(
            boolean configured,
            @Nullable Instant lastAnswerAt,
            @Nullable Instant lastFailureAt,
            @Nullable String lastFailure) {}

    public Health health() {
        return new Health(directory != null, lastAnswerAt, lastFailureAt, lastFailure);
    }

    /**
     * How long a user whose pull failed or was refused is left alone: the error back-off, or for the sweep until
     * its next run (a sweep would otherwise meet the same users again and again within one run, ahead of the
     * healthy ones it has not reached).
     */
    private Duration backOff(SyncTrigger trigger) {
        Duration backOff = settings.errorBackoff();
        if (trigger == SyncTrigger.SWEEP && settings.sweep().interval().compareTo(backOff) > 0) {
            return settings.sweep().interval();
        }
        return backOff;
    }

    /** A failure as the API shows it: its kind, then what happened. */
    static String describe(UpstreamCallFailed e) {
        return e.kind().name().toLowerCase(java.util.Locale.ROOT) + ": " + e.getMessage();
    }

    private Result failed(UUID userId, SyncTrigger trigger, String detail, long start) {
        return counted(trigger, new Result(userId, SyncOutcome.UPSTREAM_ERROR, RoleDiff.NONE, true, detail), start);
    }

    private void warn(UpstreamCallFailed e) {
        OptionalLong heldBack = failureWarnings.pass();
        if (heldBack.isPresent()) {
            log.warn(
                    "directory sync failed: {} ({}); nothing changed ({} more failures since the previous warning)",
                    e.getMessage(),
                    e.kind(),
                    heldBack.getAsLong());
        } else {
            log.debug("directory sync failed: {} ({})", e.getMessage(), e.kind());
        }
    }
}
