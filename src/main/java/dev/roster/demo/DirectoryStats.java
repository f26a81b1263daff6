package dev.roster.demo;

import java.util.concurrent.atomic.LongAdder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * How many requests the directory simulator's API received, by endpoint, since start-up or the last reset: every
 * loopback request counts, whether it was then answered, delayed, failed on purpose or refused its credentials.
 * Benchmarks read it to count what the upstream saw.
 */
@Component
@Conditional(DemoUpstreamCondition.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class DirectoryStats {

    /** {@code writes}: write-back requests; {@code distinctWrites}: of those, distinct idempotency keys. */
    record Requests(long me, long fetch, long search, long writes, long distinctWrites) {}

    private final LongAdder me = new LongAdder();
    private final LongAdder fetch = new LongAdder();
    private final LongAdder search = new LongAdder();
    private final LongAdder writes = new LongAdder();
    private final java.util.Set<String> writeKeys = java.util.concurrent.ConcurrentHashMap.newKeySet();

    void me() {
        me.increment();
    }

    void fetch() {
        fetch.increment();
    }

    void search() {
        search.increment();
    }

    void write(@org.jspecify.annotations.Nullable String idempotencyKey) {
        writes.increment();
        if (idempotencyKey != null && writeKeys.size() < 1_000_000) {
            writeKeys.add(idempotencyKey);
        }
    }

    Requests requests() {
        return new Requests(me.sum(), fetch.sum(), search.sum(), writes.sum(), writeKeys.size());
    }

    void reset() {
        me.reset();
        fetch.reset();
        search.reset();
        writes.reset();
        writeKeys.clear();
    }
}
