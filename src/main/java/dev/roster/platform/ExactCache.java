package dev.roster.platform;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An in-process cache that never keeps a value loaded before an invalidation that raced with the load.
 *
 * <p>The race: a load reads the old row, the writer commits and invalidates (nothing cached yet), then the load
 * stores the old row, which would stay until evicted by size. Every invalidation bumps a generation before removing;
 * a load remembers the generation before reading and stores its value only if the generation has not moved, in one
 * atomic step per key. An invalidation that finished before that step makes the load skip storing; one that starts
 * after it removes the stored value. No reader sees a value older than a completed invalidation. A load skipped
 * because of an unrelated key's invalidation only costs a later miss.
 */
public final class ExactCache<K, V> {

    private final Cache<K, V> cache;
    /** Size 0: a cache turned off. Nothing is stored, not even for the instant Caffeine would keep it. */
    private final boolean off;

    private final InvalidationBus bus;
    private final AtomicLong generation = new AtomicLong();
    private final Counter keyInvalidations;
    private final Counter fullInvalidations;

    private ExactCache(Cache<K, V> cache, boolean off, InvalidationBus bus, String name, MeterRegistry meters) {
        this.cache = cache;
        this.off = off;
        this.bus = bus;
        CaffeineCacheMetrics.monitor(meters, cache, name);
        this.keyInvalidations = invalidations(meters, name, "key");
        this.fullInvalidations = invalidations(meters, name, "all");
    }

    private static Counter invalidations(MeterRegistry meters, String name, String scope) {
        return Counter.builder("roster.cache.invalidations")
                .description("Invalidations this node's cache received (scope=all: emptied after a reconnect)")
                .tag("cache", name)
                .tag("scope", scope)
                .register(meters);
    }

    /**
     * A cache bounded to {@code maximumSize} entries, its invalidation wired to {@code topic} on the bus (the key is
     * parsed from the notification by {@code keyParser}) and its statistics to Micrometer as {@code cache=name}.
     */
    public static <K, V> ExactCache<K, V> create(
            String name,
            long maximumSize,
            InvalidationBus bus,
            String topic,
            Function<String, K> keyParser,
            MeterRegistry meters) {
        Cache<K, V> cache =
                Caffeine.newBuilder().maximumSize(maximumSize).recordStats().build();
        var exact = new ExactCache<K, V>(cache, maximumSize == 0, bus, name, meters);
        bus.subscribe(topic, key -> exact.invalidate(keyParser.apply(key)), exact::invalidateAll);
        return exact;
    }

    /**
     * As {@link #create}, bounded by total weight instead of entries: for values whose sizes differ by orders of
     * magnitude (a tenant's grant index: a handful of grants, or 100,000).
     */
    public static <K, V> ExactCache<K, V> createWeighed(
            String name,
            long maximumWeight,
            com.github.benmanes.caffeine.cache.Weigher<? super K, ? super V> weigher,
            InvalidationBus bus,
            String topic,
            Function<String, K> keyParser,
            MeterRegistry meters) {
        Cache<K, V> cache = Caffeine.newBuilder()
                .maximumWeight(maximumWeight)
                .weigher(weigher)
                .recordStats()
                .build();
        var exact = new ExactCache<K, V>(cache, maximumWeight == 0, bus, name, meters);
        bus.subscribe(topic, key -> exact.invalidate(keyParser.apply(key)), exact::invalidateAll);
        return exact;
    }

    /**
     * The cached value, else {@code loader}'s, cached unless an invalidation raced it or this node is not listening
     * for invalidations right now. Null is never cached.
     */
    public @Nullable V get(K key, Function<K, @Nullable V> loader) {
        if (off) {
            return loader.apply(key);
        }
        V value = cache.getIfPresent(key);
        if (value != null) {
            return value;
        }
        long before = generation.get();
        V loaded = loader.apply(key);
        if (loaded != null && bus.isConnected()) {
            // Stored only if no invalidation started since the read; an invalidation that starts later bumps the
            // generation, then removes under the same per-key lock, so it waits for this store and removes it.
            cache.asMap().compute(key, (k, current) -> generation.get() == before ? loaded : current);
            // invalidateAll() does not wait for a store in progress the way invalidate(key) does: if one began
            // meanwhile, it may have iterated past this key, so take back what we stored.
            if (generation.get() != before) {
                cache.asMap().remove(key, loaded);
            }
        }
        return loaded;
    }

    public void invalidate(K key) {
        keyInvalidations.increment();
        generation.incrementAndGet();
        cache.invalidate(key);
    }

    public void invalidateAll() {
        fullInvalidations.increment();
        generation.incrementAndGet();
        cache.invalidateAll();
    }
}
