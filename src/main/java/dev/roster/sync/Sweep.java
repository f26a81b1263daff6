package dev.roster.sync;

import dev.roster.sync.UserSync.Result;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * The periodic sweep of stale users, once per cluster: every {@code roster.sync.sweep.interval} one node takes the
 * job's lease and syncs, batch after batch, the users not synced for {@code stale-after} (claimed with
 * {@code FOR UPDATE SKIP LOCKED}), {@code concurrency} at a time, at the pace of the cluster's rate budget, until
 * none is stale, the run has lasted an interval, or the lease is lost. A node that dies mid-sweep lets its lease and
 * its users' claims lapse; the next run picks them up.
 */
@Service
public class Sweep implements DisposableBean {

    static final String JOB = "sweep";

    private static final Logger log = LoggerFactory.getLogger(Sweep.class);

    private final DirectoryPull pull;
    private final SyncedUsers users;
    private final SyncJobs jobs;
    private final SyncSettings settings;
    private final SyncMetrics metrics;
    private final JsonMapper json;
    private final String node;
    private final ExecutorService workers;
    // Applies one batch's answers while the next batch is fetched.
    private final ExecutorService applier;
    private final AtomicBoolean stopping = new AtomicBoolean();

    Sweep(
            DirectoryPull pull,
            SyncedUsers users,
            SyncJobs jobs,
            SyncSettings settings,
            SyncMetrics metrics,
            JsonMapper json) {
        this.pull = pull;
        this.users = users;
        this.jobs = jobs;
        this.settings = settings;
        this.metrics = metrics;
        this.json = json;
        this.node = ManagementFactory.getRuntimeMXBean().getName() + "/"
                + UUID.randomUUID().toString().substring(0, 8);
        this.workers = Executors.newFixedThreadPool(
                Math.max(1, settings.sweep().concurrency()),
                Thread.ofPlatform().name("sweep-", 0).daemon().factory());
        this.applier = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().name("sweep-apply").daemon().factory());
    }

    /** What one run did. */
    public record Report(int claimed, Map<SyncOutcome, Integer> outcomes, boolean complete, String stoppedBecause) {}

    /** Looks every few seconds whether a run is due anywhere; only the node that takes the lease runs it. */
    @Scheduled(
            fixedDelayString = "${roster.sync.sweep.check-every:PT15S}",
            initialDelayString = "${roster.sync.sweep.check-every:PT15S}")
    void tick() {
        if (settings.sweep().enabled() && pull.hasDirectory()) {
            runIfDue();
        }
    }

    /** Runs a sweep if none ran within the interval anywhere and this node gets the lease; empty otherwise. */
    public java.util.Optional<Report> runIfDue() {
        SyncSettings.Sweep sweep = settings.sweep();
        if (!jobs.start(JOB, node, sweep.lease(), sweep.interval())) {
            return java.util.Optional.empty();
        }
        Report report;
        try {
            report = run();
        } catch (RuntimeException e) {
            report = new Report(0, Map.of(), false, "failed: " + e.getMessage());
            log.error("the sweep failed", e);
        }
        jobs.finish(JOB, node, json.writeValueAsString(report));
        refreshStaleCount();
        log.info(
                "sweep: {} users in {}; {}",
                report.claimed(),
                report.outcomes(),
                report.complete() ? "none stale left" : "stopped: " + report.stoppedBecause());
        return java.util.Optional.of(report);
    }

    /**
     * Batch after batch: claim, ask the directory about the batch ({@code concurrency} at a time), then hand its
     * answers to the applier thread, which applies them in one transaction while the next batch is claimed and
     * fetched. At most one batch is being applied; every way out waits for it.
     */
    private Report run() {
        SyncSettings.Sweep sweep = settings.sweep();
        long deadline = System.nanoTime() + sweep.interval().toNanos();
        String provider = pull.provider();
        Map<SyncOutcome, Integer> outcomes = new EnumMap<>(SyncOutcome.class);
        Future<List<Result>> applying = null;
        int claimed = 0;
        try {
            while (true) {
                if (stopping.get()) {
                    return new Report(claimed, outcomes, false, "shutting down");
                }
                if (System.nanoTime() > deadline) {
                    return new Report(claimed, outcomes, false, "the run lasted an interval");
                }
                if (!jobs.renew(JOB, node, sweep.lease())) {
                    return new Report(claimed, outcomes, false, "lost the lease");
                }
                List<SyncedUsers.Claimed> batch =
                        users.claimStale(provider, sweep.staleAfter(), sweep.batchSize(), settings.claimTimeout());
                if (batch.isEmpty()) {
                    return new Report(claimed, outcomes, true, "none stale");
                }
                claimed += batch.size();
                List<DirectoryPull.Fetched> fetched = fetch(batch);
                count(applying, outcomes);
                applying = null;
                try {
                    applying = applier.submit(() -> pull.applyBatch(fetched, SyncTrigger.SWEEP));
                } catch (java.util.concurrent.RejectedExecutionException stopped) {
                    return new Report(claimed, outcomes, false, "shutting down"); // claims lapse on their own
                }
                if (fetched.stream().noneMatch(f -> f instanceof DirectoryPull.Fetched.Answered)) {
                    // No answer in a whole batch: the directory is down or refuses Roster's key. Next run.
                    return new Report(
                            claimed,
                            outcomes,
                            false,
                            "every call of a batch failed (the upstream is down, or refuses Roster's key?)");
                }
            }
        } finally {
            count(applying, outcomes);
        }
    }

    /** Asks the directory about a claimed batch, {@code concurrency} at a time; a lost task is a failed sync. */
    private List<DirectoryPull.Fetched> fetch(List<SyncedUsers.Claimed> batch) {
        List<Future<DirectoryPull.Fetched>> asked = new ArrayList<>(batch.size());
        for (SyncedUsers.Claimed user : batch) {
            asked.add(workers.submit(() -> pull.fetch(user, SyncTrigger.SWEEP, System.nanoTime())));
        }
        List<DirectoryPull.Fetched> fetched = new ArrayList<>(batch.size());
        for (int i = 0; i < asked.size(); i++) {
            SyncedUsers.Claimed user = batch.get(i);
            try {
                fetched.add(asked.get(i).get());
            } catch (ExecutionException e) {
                log.warn("sweeping user {} failed", user.id(), e.getCause());
                fetched.add(new DirectoryPull.Fetched.Failed(
                        user,
                        new Result(user.id(), SyncOutcome.FAILED, RoleDiff.NONE, true, "failed: " + e.getCause())));
            } catch (InterruptedException | java.util.concurrent.CancellationException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                // Shutting down: the user's claim lapses and the next run, on any node, syncs them.
                fetched.add(new DirectoryPull.Fetched.Failed(
                        user, new Result(user.id(), SyncOutcome.FAILED, RoleDiff.NONE, true, "shutting down")));
            }
        }
        return fetched;
    }

    /** Waits for a batch being applied (if any) and adds its outcomes. */
    private static void count(Future<List<Result>> applying, Map<SyncOutcome, Integer> outcomes) {
        if (applying == null || applying.isCancelled()) {
            return;
        }
        try {
            for (Result result : applying.get()) {
                outcomes.merge(result.outcome(), 1, Integer::sum);
            }
        } catch (ExecutionException e) {
            log.error("applying a sweep's batch failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.CancellationException e) {
            // Shutting down before the batch was applied: its claims lapse, the next run syncs its users.
        }
    }

    /** Users not synced for {@code stale-after}, for the gauge and the status endpoint. */
    public long refreshStaleCount() {
        long stale = users.countStale(pull.provider(), settings.sweep().staleAfter());
        metrics.staleUsers(stale);
        return stale;
    }

    /** Keeps {@code roster_sync_stale_users} current on every node, once a minute. */
    @Scheduled(fixedDelayString = "PT1M", initialDelayString = "PT20S")
    void countStale() {
        if (pull.hasDirectory()) {
            refreshStaleCount();
        }
    }

    @Override
    public void destroy() {
        stopping.set(true);
        // Tasks still queued never run: cancelled, so that a run waiting for one of them ends instead of hanging
        // the shutdown (its claims lapse on their own).
        for (ExecutorService executor : List.of(workers, applier)) {
            for (Runnable queued : executor.shutdownNow()) {
                if (queued instanceof Future<?> task) {
                    task.cancel(false);
                }
            }
        }
    }
}
