package dev.roster.outbox;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A kind of destination for outbox events (the upstream's write-back, change-feed webhooks): a Spring bean of any
 * feature. At append time it names the targets that must hear of an event (none, itself, or one per subscription);
 * the relay then calls {@link #deliver} for each, from any node, at least once.
 */
public interface OutboxTarget {

    /**
     * The kind, a lowercase word: target names are the kind itself or {@code <kind>:<id>} (one subscription), and
     * the relay finds a target's deliverer by it.
     */
    String kind();

    /**
     * The targets of this kind that must hear of an event of {@code eventType} from {@code origin}, read inside the
     * writer's transaction (keep it cheap: no network). A change that came from the upstream is never written back
     * to it: that is each target's rule to apply.
     */
    List<String> targetsFor(String eventType, Origin origin);

    /** Delivers {@code event} to its target once; never throws for a delivery failure, answers it. */
    Delivery deliver(OutboxEvent event);

    /** How one delivery attempt went. */
    sealed interface Delivery {

        /** Received (2xx). */
        record Delivered() implements Delivery {}

        /**
         * Not received: tried again on the schedule, or after {@code retryAfter} when the target said so (longer of
         * the two).
         */
        record Failed(String error, @Nullable Duration retryAfter) implements Delivery {}

        /** The target is gone for good (a {@code 410}): this event is dead at once. */
        record Gone(String error) implements Delivery {}

        static Delivery delivered() {
            return new Delivered();
        }

        static Delivery failed(String error) {
            return new Failed(error, null);
        }
    }
}
