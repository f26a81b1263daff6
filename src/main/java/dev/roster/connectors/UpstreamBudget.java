package dev.roster.connectors;

import java.time.Duration;

/**
 * The one rate at which the whole cluster may call the upstream. Connectors take a permit before every HTTP attempt
 * and report the upstream's requests to slow down. The implementation shared by all nodes lives in {@code sync/};
 * {@link #UNLIMITED} is for tests and tools.
 */
public interface UpstreamBudget {

    enum Priority {
        /** Someone is waiting (sign-in, admin search): never waits for a permit, but its use counts. */
        INTERACTIVE,
        /** Role sync, sweeps, force-sync: waits for a permit, up to the configured wait. */
        BACKGROUND
    }

    /**
     * Takes one permit. INTERACTIVE always gets one at once (and uses up the budget); BACKGROUND waits until one is
     * free and throws {@link UpstreamCallFailed} ({@link UpstreamCallFailed.Kind#BUDGET_EXHAUSTED}) if none comes in
     * time. While the upstream has asked to pause ({@link #pause}) BACKGROUND waits out the pause first.
     */
    void acquire(Priority priority);

    /** The upstream asked everyone to wait (429/503 with {@code Retry-After}): no BACKGROUND call until then. */
    void pause(Duration duration);

    UpstreamBudget UNLIMITED = new UpstreamBudget() {
        @Override
        public void acquire(Priority priority) {}

        @Override
        public void pause(Duration duration) {}
    };
}
