package dev.roster.outbox;

import dev.roster.outbox.OutboxTarget.Delivery;
import dev.roster.platform.InvalidationBus;
import dev.roster.platform.LogThrottle;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Delivers the outbox, on every node: claims due events (a lease, so a node that dies gives them up), delivers each
 * to its target on a bounded number of threads, and records the outcome — delivered, due again after the schedule's
 * next wait (or the target's {@code Retry-After}, whichever is longer), or dead once the schedule is spent or the
 * target is gone. Woken by the notification of every transaction that appends, and polling as a fallback. Events of
 * one (target, aggregate) go one at a time, in sequence order; everything else in parallel, so one dead endpoint
 * holds up only its own events.
 */
@Component
public class Relay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Relay.class);
    /** The longest a target's {@code Retry-After} can postpone an event. */
    static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);
    /**
     * After a claim that found fewer due events than it could take, the least wait before the next: under a steady
     * stream of commits, each claim (and each record of deliveries) then covers this long's worth of events, not one
     * commit's, for at most this much more latency.
     */
    static final Duration REST_AFTER_SHORT_CLAIM = Duration.ofMillis(10);

    private final OutboxRows rows;
    private final OutboxSettings settings;
    private final Clock clock;
    private final ObjectProvider<OutboxTarget> targetBeans;
    private final MeterRegistry meters;
    private final Semaphore slots;
    private final Semaphore wakeUps = new Semaphore(0);
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<Long> abandoned = ConcurrentHashMap.newKeySet();
    /** Delivered, not yet recorded: the loop records them in one statement per round. */
    private final Queue<Long> delivered = new ConcurrentLinkedQueue<>();

    private final LogThrottle errors = new LogThrottle(Duration.ofMinutes(1));
    private final Timer latency;
    private volatile @Nullable Map<String, OutboxTarget> targets;
    private volatile boolean running;
    private @Nullable Thread loop;
    private @Nullable ExecutorService deliveries;

    Relay(
            OutboxRows rows,
            OutboxSettings settings,
            Clock clock,
            InvalidationBus bus,
            ObjectProvider<OutboxTarget> targets,
            MeterRegistry meters) {
        this.rows = rows;
        this.settings = settings;
        this.clock = clock;
        this.targetBeans = targets;
        this.meters = meters;
        this.slots = new Semaphore(settings.concurrency());
        this.latency = Timer.builder("roster.outbox.delivery.latency")
                .description("From an event's commit to its delivery")
                .publishPercentileHistogram()
                .register(meters);
        bus.subscribe(Outbox.TOPIC, key -> wake(), this::wake);
    }

    /** Looks for due events now rather than at the next poll. */
    public void wake() {
        if (wakeUps.availablePermits() == 0) {
            wakeUps.release();
        }
    }

    private void run() {
        while (running) {
            recordDeliveries();
            int free = slots.availablePermits();
            // What the free slots take now, and as much again to start as soon as slots free up: one claim covers
            // many events, while no claimed event waits longer than one delivery for a slot (the claim must outlast
            // that wait).
            int wanted = free == 0 ? 0 : Math.min(settings.batchSize(), free + settings.concurrency());
            List<OutboxEvent> claimed = List.of();
            Instant until = Instant.EPOCH;
            if (wanted > 0) {
                try {
                    Instant now = clock.instant();
                    until = now.plus(settings.claimTimeout()).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
                    claimed = rows.claim(targets().keySet(), now, until, wanted);
                } catch (RuntimeException e) {
                    logThrottled("outbox: could not claim events; retrying", e);
                }
            }
            long claimedAt = System.nanoTime();
            for (OutboxEvent event : claimed) {
                slots.acquireUninterruptibly();
                inFlight.add(event.id());
                Instant claim = until;
                deliveries.execute(() -> deliverAndRecord(event, claim));
            }
            if (claimed.size() < wanted || wanted == 0) {
                // Nothing more is due now (or every slot is busy): until a commit, a finished delivery, or the poll,
                // and after a short claim not before the rest is over.
                try {
                    wakeUps.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    if (wanted > 0) {
                        long rest = REST_AFTER_SHORT_CLAIM.toNanos() - (System.nanoTime() - claimedAt);
                        if (rest > 0) {
                            TimeUnit.NANOSECONDS.sleep(rest);
                        }
                    }
                    wakeUps.drainPermits();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Records the deliveries made since the last round, in one statement. */
    private void recordDeliveries() {
        var ids = new java.util.ArrayList<Long>();
        for (Long id; (id = delivered.poll()) != null; ) {
            ids.add(id);
        }
        try {
            rows.delivered(ids, clock.instant());
        } catch (RuntimeException e) {
            // Their claims lapse and they are delivered again: at least once, as promised.
            logThrottled("outbox: could not record " + ids.size() + " deliveries; they will be retried", e);
        }
    }

    /** Delivers and records the outcome; {@code claim} is when this node's claim on the event ends. */
    private void deliverAndRecord(OutboxEvent event, Instant claim) {
        try {
            Delivery delivery = deliver(event);
            if (!running && delivery instanceof Delivery.Failed) {
                // Cut short by the shutdown (or failed during it): not the target's fault, so no attempt is
                // counted; the claim is released for another node.
                abandoned.add(event.id());
                return;
            }
            record(event, delivery, claim);
        } catch (RuntimeException e) {
            // The outcome could not be recorded (the database is away): the claim lapses and the event is retried.
            logThrottled("outbox: could not record the outcome of event " + event.id(), e);
        } finally {
            inFlight.remove(event.id());
            slots.release();
            wake();
        }
    }

    private Delivery deliver(OutboxEvent event) {
        OutboxTarget target = targets().get(kind(event.target()));
        if (target == null) {
            return Delivery.failed("no deliverer for targets of kind '" + kind(event.target()) + "' on this node");
        }
        try {
            return target.deliver(event);
        } catch (RuntimeException e) {
            return Delivery.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void record(OutboxEvent event, Delivery delivery, Instant claim) {
        Instant now = clock.instant();
        String kind = kind(event.target());
        switch (delivery) {
            case Delivery.Delivered d -> {
                delivered.add(event.id());
                count("delivered", kind);
                latency.record(Duration.between(event.createdAt(), now));
            }
            case Delivery.Gone gone -> {
                rows.failed(event.id(), claim, gone.error(), now, now);
                count("dead", kind);
            }
            case Delivery.Failed failed -> {
                Duration wait = waitAfter(event.attempt(), failed.retryAfter());
                if (wait == null) {
                    rows.failed(event.id(), claim, failed.error(), now, now);
                    count("dead", kind);
                    log.warn(
                            "outbox: event {} ({} of {} {}) to {} is dead after {} attempts: {}",
                            event.id(),
                            event.eventType(),
                            event.aggregateType(),
                            event.aggregateId(),
                            event.target(),
                            event.attempt(),
                            failed.error());
                } else {
                    rows.failed(event.id(), claim, failed.error(), now.plus(wait), null);
                    count("failed", kind);
                }
            }
        }
    }

    /**
     * The wait after failed attempt number {@code attempt} (from 1): the schedule's next, with jitter, or the
     * target's {@code Retry-After} when longer; null when the schedule is spent.
     */
    @Nullable
    Duration waitAfter(int attempt, @Nullable Duration retryAfter) {
        if (attempt >= settings.attempts()) {
            return null;
        }
        Duration scheduled = settings.schedule().get(attempt);
        double stretch =
                1 + settings.jitter() * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        Duration wait = Duration.ofMillis(Math.round(scheduled.toMillis() * stretch));
        if (retryAfter != null) {
            Duration asked = retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter;
            if (asked.compareTo(wait) > 0) {
                wait = asked;
            }
        }
        return wait;
    }

    private void logThrottled(String message, RuntimeException e) {
        if (errors.pass().isPresent()) {
            log.error(message, e);
        } else {
            log.debug(message, e);
        }
    }

    private void count(String outcome, String kind) {
        Counter.builder("roster.outbox.deliveries")
                .description("Delivery attempts by outcome (failed: to be retried)")
                .tag("outcome", outcome)
                .tag("target", kind)
                .register(meters)
                .increment();
    }

    static String kind(String target) {
        int colon = target.indexOf(':');
        return colon < 0 ? target : target.substring(0, colon);
    }

    private Map<String, OutboxTarget> targets() {
        Map<String, OutboxTarget> known = targets;
        if (known == null) {
            known = targetBeans.orderedStream().collect(Collectors.toMap(OutboxTarget::kind, Function.identity()));
            targets = known;
        }
        return known;
    }

    @Override
    public void start() {
        if (!settings.relay()) {
            return;
        }
        running = true;
        deliveries = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("outbox-delivery-", 0).factory());
        loop = Thread.ofPlatform().name("outbox-relay").daemon().start(this::run);
    }

    /** Stops claiming, lets deliveries in flight finish for a while, then releases the claims of the rest. */
    @Override
    public void stop() {
        if (!running) {
            return;
        }
        running = false;
        wake();
        try {
            if (loop != null) {
                loop.join(settings.pollInterval().toMillis() + 1_000);
            }
            if (deliveries != null) {
                deliveries.shutdown();
                if (!deliveries.awaitTermination(settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                    deliveries.shutdownNow();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        recordDeliveries();
        var unfinished = new java.util.HashSet<>(inFlight);
        unfinished.addAll(abandoned);
        try {
            rows.release(unfinished);
        } catch (RuntimeException e) {
            log.warn("outbox: could not release the claims of {} events; they lapse by themselves", unfinished.size());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the bus and the database pool, starts after them. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 2_000;
    }
}
