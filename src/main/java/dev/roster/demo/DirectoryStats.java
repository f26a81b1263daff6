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

    record Requests(long me, long fetch, long search) {}

    private final LongAdder me = new LongAdder();
    private final LongAdder fetch = new LongAdder();
    private final LongAdder search = new LongAdder();

    void me() {
        me.increment();
    }

    void fetch() {
        fetch.increment();
    }

    void search() {
        search.increment();
    }

    Requests requests() {
        return new Requests(me.sum(), fetch.sum(), search.sum());
    }

    void reset() {
        me.reset();
        fetch.reset();
        search.reset();
    }
}
