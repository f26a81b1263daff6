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

    private Report run() {
        SyncSettings.Sweep sweep = settings.sweep();
        long deadline = System.nanoTime() + sweep.interval().toNanos();
        String provider = pull.provider();
        Map<SyncOutcome, Integer> outcomes = new EnumMap<>(SyncOutcome.class);
        int claimed = 0;
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
            // The directory is asked `concurrency` at a time; the answers are applied together, in one transaction.
            List<Future<DirectoryPull.Fetched>> asked = new ArrayList<>(batch.size());
            for (SyncedUsers.Claimed user : batch) {
                asked.add(workers.submit(() -> pull.fetch(user, SyncTrigger.SWEEP, System.nanoTime())));
            }
            List<DirectoryPull.Fetched> fetched = new ArrayList<>(batch.size());
            for (Future<DirectoryPull.Fetched> f : asked) {
                fetched(f).ifPresent(fetched::add);
            }
            int errors = batch.size() - fetched.size();
            if (errors > 0) {
                outcomes.merge(SyncOutcome.FAILED, errors, Integer::sum);
            }
            for (Result result : pull.applyBatch(fetched, SyncTrigger.SWEEP)) {
                SyncOutcome outcome = result.outcome();
                outcomes.merge(outcome, 1, Integer::sum);
                if (outcome == SyncOutcome.UPSTREAM_ERROR
                        || outcome == SyncOutcome.FAILED
                        || outcome == SyncOutcome.REFUSED) {
                    errors++;
                }
            }
            if (errors == batch.size()) {
                // Every call of a batch failed: the directory is down or refusing us. Try again next run.
                return new Report(
                        claimed,
                        outcomes,
                        false,
                        "every sync of a batch failed or was refused (the upstream or the database is down, or refuses"
                                + " Roster's key?)");
            }
        }
    }

    private static java.util.Optional<DirectoryPull.Fetched> fetched(Future<DirectoryPull.Fetched> f) {
        try {
            return java.util.Optional.of(f.get());
        } catch (ExecutionException e) {
            log.warn("sweeping a user failed", e.getCause());
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
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
        workers.shutdownNow();
    }
}
