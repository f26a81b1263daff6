package dev.roster.sync;

import dev.roster.connectors.UpstreamBudget.Priority;
import dev.roster.connectors.UpstreamCallFailed;
import dev.roster.connectors.UpstreamDirectory;
import dev.roster.connectors.UpstreamDirectory.Lookup;
import dev.roster.platform.LogThrottle;
import dev.roster.sync.UserSync.Options;
import dev.roster.sync.UserSync.Result;
import java.time.Duration;
import java.time.Instant;
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
     * Pulls a user this node has claimed (the sweep claims in batches). The answer is applied only while the claim is
     * still this pull's: {@link SyncOutcome#SKIPPED_TTL} when a newer sync came first.
     */
    Result pullClaimed(SyncedUsers.Claimed claimed, SyncTrigger trigger, Options options, long start) {
        UUID userId = claimed.id();
        String externalId = claimed.externalId();
        UpstreamDirectory dir = directory;
        if (dir == null) {
            users.holdClaim(claimed, Duration.ZERO);
            return failed(userId, trigger, "no upstream directory is configured", start);
        }
        Result result;
        try {
            // Every pull takes its permit like background work (an admin's force-sync too): only sign-in and the
            // search fallback, which someone is waiting for, go first.
            Lookup answer = dir.fetch(externalId, Priority.BACKGROUND);
            result = switch (answer) {
                case Lookup.Found found
                when !found.user().externalId().equals(externalId) ->
                    throw new UpstreamCallFailed(
                            UpstreamCallFailed.Kind.MALFORMED,
                            "asked for user '" + externalId + "', the directory answered with '"
                                    + found.user().externalId() + "'");
                case Lookup.Found found -> sync.applyPulled(claimed, found.user(), trigger, options);
                case Lookup.Gone gone -> sync.applyGonePulled(claimed, trigger, options);
            };
        } catch (UpstreamCallFailed e) {
            lastFailureAt = Instant.now();
            lastFailure = describe(e);
            users.holdClaim(claimed, backOff(trigger));
            warn(e);
            if (e.kind() == UpstreamCallFailed.Kind.UNAUTHORIZED) {
                // The directory refused Roster's key: an answer about Roster, never about the user. Refused, like an
                // empty answer, and never a reason to change anything.
                metrics.refused("unauthorized");
                metrics.synced(trigger, SyncOutcome.REFUSED, Duration.ofNanos(System.nanoTime() - start));
                return new Result(userId, SyncOutcome.REFUSED, RoleDiff.NONE, true, describe(e));
            }
            return failed(userId, trigger, describe(e), start);
        } catch (RuntimeException e) {
            // Roster's own failure (its database, most likely): nothing was applied (the transaction rolled back),
            // and the caller still gets an answer for this user, not an exception for the whole batch.
            failures.pass()
                    .ifPresentOrElse(
                            heldBack -> log.error(
                                    "applying the directory's answer about user {} failed; nothing changed ({} more"
                                            + " failures since the previous one logged)",
                                    userId,
                                    heldBack,
                                    e),
                            () -> log.debug("applying the directory's answer about user {} failed", userId, e));
            holdClaimQuietly(claimed, backOff(trigger));
            metrics.synced(trigger, SyncOutcome.FAILED, Duration.ofNanos(System.nanoTime() - start));
            return new Result(userId, SyncOutcome.FAILED, RoleDiff.NONE, true, "failed: " + e.getMessage());
        }
        lastAnswerAt = Instant.now();
        if (options.dryRun()) {
            users.holdClaim(claimed, Duration.ZERO);
        } else if (result.outcome() == SyncOutcome.REFUSED) {
            users.holdClaim(claimed, backOff(trigger));
        }
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
        metrics.synced(trigger, SyncOutcome.UPSTREAM_ERROR, Duration.ofNanos(System.nanoTime() - start));
        return new Result(userId, SyncOutcome.UPSTREAM_ERROR, RoleDiff.NONE, true, detail);
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
