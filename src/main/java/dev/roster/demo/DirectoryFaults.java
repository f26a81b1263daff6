package dev.roster.demo;

import dev.roster.platform.ErrorCode;
import dev.roster.platform.RosterException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * The faults the directory simulator's API puts into its answers, settable at run time: a delay before every answer,
 * a share of answers that are {@code 500}, and an outage ({@code 503} with {@code Retry-After}). They apply to
 * {@code /demo/directory/api/**} only: signing in at the demo provider keeps working while the directory is "down".
 */
@Component
@Conditional(DemoUpstreamCondition.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class DirectoryFaults {

    static final int RETRY_AFTER_SECONDS = 5;
    static final int MAX_LATENCY_MS = 60_000;

    /** JSON: {@code {"latency_ms": 0, "error_rate": 0.0, "outage": false}}. */
    record Faults(int latencyMs, double errorRate, boolean outage) {}

    /** The directory is "down": answered {@code 503} with {@code Retry-After}. */
    static final class Outage extends RuntimeException {
        Outage() {
            super("simulated directory outage", null, false, false);
        }
    }

    private volatile Faults faults;

    DirectoryFaults(DemoSettings settings) {
        int latencyMs = Math.clamp(settings.directoryLatency().toMillis(), 0, MAX_LATENCY_MS);
        this.faults = new Faults(latencyMs, 0.0, settings.directoryOutage());
    }

    Faults current() {
        return faults;
    }

    void set(Faults faults) {
        this.faults = faults;
    }

    /**
     * Before an API answer: waits the latency, then throws {@link Outage} during an outage, or a {@code 500
     * internal_error} problem at the error rate.
     */
    void apply() {
        Faults now = faults;
        if (now.latencyMs() > 0) {
            try {
                Thread.sleep(Duration.ofMillis(now.latencyMs()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (now.outage()) {
            throw new Outage();
        }
        if (now.errorRate() > 0 && ThreadLocalRandom.current().nextDouble() < now.errorRate()) {
            throw new RosterException(
                    ErrorCode.INTERNAL_ERROR, "The demo directory failed on purpose (its error_rate knob).");
        }
    }
}
