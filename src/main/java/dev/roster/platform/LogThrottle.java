package dev.roster.platform;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets a warning that clients can provoke at will through once per interval, so that it cannot flood the log; the
 * caller logs the rest at DEBUG. Lock-free: of callers racing at the interval's end, one passes.
 */
public final class LogThrottle {

    private final long intervalNanos;
    private final AtomicLong lastPassed = new AtomicLong();
    private final AtomicLong heldBack = new AtomicLong();

    public LogThrottle(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    /** Empty while held back; when it passes, how many were held back since the previous one passed. */
    public OptionalLong pass() {
        long now = System.nanoTime();
        long last = lastPassed.get();
        if ((last == 0 || now - last >= intervalNanos) && lastPassed.compareAndSet(last, now)) {
            return OptionalLong.of(heldBack.getAndSet(0));
        }
        heldBack.incrementAndGet();
        return OptionalLong.empty();
    }
}
