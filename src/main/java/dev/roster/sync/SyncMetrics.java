package dev.roster.sync;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/** The sync's meters (docs/operations.md). Labels never carry user ids. */
@Component
class SyncMetrics {

    private final MeterRegistry registry;
    private final AtomicLong staleUsers = new AtomicLong();
    private final Counter refreshDropped;
    private final Counter budgetWaits;
    private final Timer budgetWait;

    SyncMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("roster.sync.stale.users", staleUsers);
        this.refreshDropped = Counter.builder("roster.sync.refresh.dropped")
                .description("Background syncs a refresh asked for that this node's queue had no room for")
                .register(registry);
        this.budgetWaits = Counter.builder("roster.upstream.budget.waits")
                .description("Background upstream calls that waited for a permit of the cluster's rate budget")
                .register(registry);
        this.budgetWait = Timer.builder("roster.upstream.budget.wait")
                .description("Time background upstream calls waited for a permit")
                .register(registry);
    }

    void synced(SyncTrigger trigger, SyncOutcome outcome, Duration took) {
        registry.counter("roster.role.sync", "outcome", outcome.label(), "trigger", trigger.label())
                .increment();
        if (outcome != SyncOutcome.SKIPPED_TTL) {
            Timer.builder("roster.role.sync.duration")
                    .tag("trigger", trigger.label())
                    .register(registry)
                    .record(took);
        }
    }

    void refused(String guard) {
        registry.counter("roster.sync.refused", "guard", guard).increment();
    }

    void refreshDropped() {
        refreshDropped.increment();
    }

    void budgetWaited(Duration waited) {
        budgetWaits.increment();
        budgetWait.record(waited);
    }

    void staleUsers(long count) {
        staleUsers.set(count);
    }

    long staleUsers() {
        return staleUsers.get();
    }
}
