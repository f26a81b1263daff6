package dev.roster.inbound;

import dev.roster.platform.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records accepted deliveries, many to a transaction: whatever arrives while one batch commits goes in the next. A
 * transaction that queues work for the relays commits through the version lock and notifies them, one at a time
 * across the cluster, each waiting for the disk; one per delivery bounded acceptance to a few hundred a second on a
 * small machine. One per batch makes that cost shared, and a burst from a directory is taken at the speed of the
 * disk. Each delivery is answered only when its batch is durable ({@code true}: recorded now; {@code false}: a
 * duplicate), exactly as before; a batch that fails fails each of its deliveries ({@code 503}: the source retries).
 */
@Component
class InboundRecorder implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(InboundRecorder.class);

    /** The most deliveries one transaction records. */
    static final int MAX_BATCH = 500;

    /** The most waiting for a batch; beyond it a delivery is refused at once ({@code 503}), not queued. */
    static final int MAX_WAITING = 10_000;

    /** How long a delivery waits for its batch before its request gives up ({@code 503}; the event may be recorded). */
    private static final long WAIT_SECONDS = 30;

    private record Waiting(InboundEvents.Arrival arrival, CompletableFuture<Boolean> recorded) {}

    private final InboundEvents events;
    private final InboundJobs jobs;
    private final TransactionTemplate tx;
    private final BlockingQueue<Waiting> waiting = new LinkedBlockingQueue<>(MAX_WAITING);
    private volatile boolean running;
    private volatile boolean stopping;
    private @Nullable Thread writer;

    InboundRecorder(InboundEvents events, InboundJobs jobs, TransactionTemplate tx) {
        this.events = events;
        this.jobs = jobs;
        this.tx = tx;
    }

    /** Records {@code arrival} with the next batch: true once it is durable, false if it was recorded before. */
    boolean record(InboundEvents.Arrival arrival) {
        if (stopping) {
            throw busy("Roster is shutting down; send the event again (to another node).");
        }
        var entry = new Waiting(arrival, new CompletableFuture<>());
        if (!waiting.offer(entry)) {
            throw busy("Roster has " + MAX_WAITING + " events waiting to be recorded; send it again shortly.");
        }
        try {
            return entry.recorded().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy("The event could not be recorded in time; send it again (a duplicate is harmless).");
        } catch (TimeoutException e) {
            throw busy("The event could not be recorded in time; send it again (a duplicate is harmless).");
        } catch (ExecutionException e) {
            throw busy("The event could not be recorded (the database is out of reach); send it again.");
        }
    }

    private static RuntimeException busy(String detail) {
        return ErrorCode.BUSY.problem(detail);
    }

    private void writeLoop() {
        var batch = new ArrayList<Waiting>(MAX_BATCH);
        while (running || !waiting.isEmpty()) {
            try {
                Waiting first = waiting.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                waiting.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            } catch (RuntimeException e) {
                log.warn("could not record {} inbound events; their deliveries are refused (503)", batch.size(), e);
                batch.forEach(w -> w.recorded().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Waiting> batch) {
        List<InboundEvents.Arrival> arrivals =
                batch.stream().map(Waiting::arrival).toList();
        Map<Integer, Long> ids = java.util.Objects.requireNonNull(tx.execute(status -> {
            Map<Integer, Long> recorded = events.recordAll(arrivals);
            for (int i = 0; i < arrivals.size(); i++) {
                Long id = recorded.get(i);
                if (id != null) {
                    InboundEvents.Arrival a = arrivals.get(i);
                    jobs.queue(id, a.source(), a.subject(), a.type(), a.eventId());
                }
            }
            return recorded;
        }));
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).recorded().complete(ids.containsKey(i));
        }
    }

    @Override
    public void start() {
        running = true;
        stopping = false;
        Thread thread = new Thread(this::writeLoop, "inbound-recorder");
        thread.setDaemon(true);
        writer = thread;
        thread.start();
    }

    /** Takes no more deliveries, and records those waiting before it stops. */
    @Override
    public void stop() {
        stopping = true;
        running = false;
        Thread thread = writer;
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the web server's graceful shutdown (requests in flight are answered) and before the relay's. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1_500;
    }
}
