package dev.roster.sync;

import dev.roster.connectors.UpstreamBudget.Priority;
import dev.roster.connectors.UpstreamCallFailed;
import dev.roster.connectors.UpstreamDirectory;
import dev.roster.connectors.UpstreamDirectory.Lookup;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.InvalidationBus;
import dev.roster.sync.UserSync.Options;
import dev.roster.sync.UserSync.Result;
import dev.roster.users.UserViews;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What platform admins do with sync: force a sync (or see its diff), drop a user's cached data, read the status. */
@Service
public class SyncAdmin {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SyncAdmin.class);

    private static final String BUDGET = """
            SELECT rate_window.used, b.paused_until
            FROM upstream_budget b,
                 LATERAL (SELECT CASE WHEN b.window_start = date_trunc('second', clock_timestamp()) THEN b.used
                                      ELSE 0 END AS used) rate_window
            WHERE b.name = 'default'
            """;

    private final DirectoryPull pull;
    private final UserSync sync;
    private final SyncedUsers users;
    private final SyncJobs jobs;
    private final Sweep sweep;
    private final SyncSettings settings;
    private final InvalidationBus bus;
    private final TransactionTemplate tx;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final SyncMetrics metrics;

    SyncAdmin(
            DirectoryPull pull,
            UserSync sync,
            SyncedUsers users,
            SyncJobs jobs,
            Sweep sweep,
            SyncSettings settings,
            InvalidationBus bus,
            TransactionTemplate tx,
            JdbcClient jdbc,
            JsonMapper json,
            SyncMetrics metrics) {
        this.pull = pull;
        this.sync = sync;
        this.users = users;
        this.jobs = jobs;
        this.sweep = sweep;
        this.settings = settings;
        this.bus = bus;
        this.tx = tx;
        this.jdbc = jdbc;
        this.json = json;
        this.metrics = metrics;
    }

    /** One user's result in a force-sync answer. */
    public record UserResult(
            @Nullable UUID userId,
            @Nullable String externalId,
            String outcome,
            RoleDiff diff,
            @Nullable String detail) {}

    public record SyncAnswer(int syncedCount, int failedCount, List<UserResult> results, List<String> errors) {}

    /**
     * Syncs the named users now: by Roster id (known users) or by the directory's id (a user Roster does not know
     * yet is provisioned). {@code force} ignores the TTL; {@code dryRun} answers the diff and keeps nothing;
     * {@code acceptRemovals} overrides the removal guards for these users.
     */
    public SyncAnswer sync(
            List<UUID> userIds, List<String> externalIds, boolean force, boolean dryRun, boolean acceptRemovals) {
        UpstreamDirectory directory = pull.directory()
                .orElseThrow(() -> ErrorCode.DIRECTORY_NOT_CONFIGURED.problem(
                        "There is no upstream directory to pull from: set ROSTER_DIRECTORY_BASE_URL."));
        Options options = new Options(dryRun, acceptRemovals);
        List<UserResult> results = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (UUID id : userIds) {
            Optional<SyncedUsers.Identity> identity = users.identity(id);
            if (identity.isEmpty()) {
                errors.add("user_not_found: " + id);
                continue;
            }
            if (!identity.get().provider().equals(sync.provider())) {
                errors.add("other_provider: " + id + " signed in through "
                        + identity.get().provider() + ", not the current upstream");
                continue;
            }
            Result r = pull.sync(id, SyncTrigger.ADMIN, force, options);
            results.add(
                    new UserResult(id, identity.get().externalId(), r.outcome().label(), r.diff(), r.detail()));
        }
        for (String externalId : externalIds) {
            Optional<UUID> known = users.findByExternalId(sync.provider(), externalId);
            if (known.isPresent()) {
                Result r = pull.sync(known.get(), SyncTrigger.ADMIN, force, options);
                results.add(new UserResult(known.get(), externalId, r.outcome().label(), r.diff(), r.detail()));
                continue;
            }
            results.add(provision(directory, externalId, options));
        }
        int synced = (int) results.stream()
                .filter(r -> r.outcome().equals(SyncOutcome.CHANGED.label())
                        || r.outcome().equals(SyncOutcome.UNCHANGED.label()))
                .count();
        int failed = (int) results.stream()
                        .filter(r -> r.outcome().equals(SyncOutcome.UPSTREAM_ERROR.label())
                                || r.outcome().equals(SyncOutcome.REFUSED.label())
                                || r.outcome().equals(SyncOutcome.FAILED.label()))
                        .count()
                + errors.size();
        return new SyncAnswer(synced, failed, List.copyOf(results), List.copyOf(errors));
    }

    /** Provisions a user Roster does not know from the directory's answer; counted as any admin sync. */
    private UserResult provision(UpstreamDirectory directory, String externalId, Options options) {
        long start = System.nanoTime();
        UserResult result = fetchAndApply(directory, externalId, options);
        metrics.synced(
                SyncTrigger.ADMIN,
                SyncOutcome.valueOf(result.outcome().toUpperCase(java.util.Locale.ROOT)),
                java.time.Duration.ofNanos(System.nanoTime() - start));
        return result;
    }

    private UserResult fetchAndApply(UpstreamDirectory directory, String externalId, Options options) {
        try {
            return switch (directory.fetch(externalId, Priority.BACKGROUND)) {
                case Lookup.Found found
                when !found.user().externalId().equals(externalId) ->
                    new UserResult(
                            null,
                            externalId,
                            SyncOutcome.UPSTREAM_ERROR.label(),
                            RoleDiff.NONE,
                            "malformed: the directory answered with user '"
                                    + found.user().externalId() + "'");
                case Lookup.Found found -> {
                    Result r = sync.apply(found.user(), SyncTrigger.ADMIN, options);
                    yield new UserResult(
                            options.dryRun() ? null : r.userId(),
                            externalId,
                            r.outcome().label(),
                            r.diff(),
                            r.detail());
                }
                case Lookup.Gone gone ->
                    new UserResult(
                            null,
                            externalId,
                            SyncOutcome.UNCHANGED.label(),
                            RoleDiff.NONE,
                            "neither Roster nor the upstream knows this user");
            };
        } catch (UpstreamCallFailed e) {
            // A refused key is refused here as for a known user's pull: never a reason to change anything.
            SyncOutcome outcome =
                    e.kind() == UpstreamCallFailed.Kind.UNAUTHORIZED ? SyncOutcome.REFUSED : SyncOutcome.UPSTREAM_ERROR;
            return new UserResult(null, externalId, outcome.label(), RoleDiff.NONE, DirectoryPull.describe(e));
        } catch (RuntimeException e) {
            log.error("provisioning user '{}' from the directory failed; nothing changed", externalId, e);
            return new UserResult(
                    null, externalId, SyncOutcome.FAILED.label(), RoleDiff.NONE, "failed: " + e.getMessage());
        }
    }

    /** Drops everything this user's views cache, on every node (the next read goes to the database). */
    public void dropCache(UUID userId) {
        if (users.identity(userId).isEmpty()) {
            throw ErrorCode.USER_NOT_FOUND.problem("There is no user " + userId + ".");
        }
        tx.executeWithoutResult(status -> bus.publish(UserViews.TOPIC, userId.toString()));
    }

    public record Status(
            boolean directoryConfigured,
            String provider,
            DirectoryPull.Health upstream,
            @Nullable SweepStatus lastSweep,
            long staleUsers,
            Budget rateBudget) {}

    public record SweepStatus(
            @Nullable String runningOn,
            @Nullable Instant startedAt,
            @Nullable Instant finishedAt,
            @Nullable JsonNode result) {}

    public record Budget(
            int ratePerSecond, int usedThisSecond, @Nullable Instant pausedUntil) {}

    public Status status() {
        SweepStatus sweepStatus = jobs.status(Sweep.JOB)
                .map(s -> new SweepStatus(
                        s.leaseUntil() != null && s.leaseUntil().isAfter(Instant.now()) ? s.holder() : null,
                        s.lastStartedAt(),
                        s.lastFinishedAt(),
                        s.lastResult() == null ? null : json.readTree(s.lastResult())))
                .orElse(null);
        Budget budget = jdbc.sql(BUDGET)
                .query((rs, i) -> {
                    var paused = rs.getObject("paused_until", java.time.OffsetDateTime.class);
                    Instant pausedUntil = paused == null ? null : paused.toInstant();
                    return new Budget(
                            settings.budget().rate(),
                            rs.getInt("used"),
                            pausedUntil != null && pausedUntil.isAfter(Instant.now()) ? pausedUntil : null);
                })
                .single();
        long stale = pull.hasDirectory() ? sweep.refreshStaleCount() : 0;
        return new Status(pull.hasDirectory(), sync.provider(), pull.health(), sweepStatus, stale, budget);
    }
}
