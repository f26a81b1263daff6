package dev.roster.connectors;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream's signing keys, from nimbus's cached JWKS source, refetched when a token names a {@code kid} the cached
 * set lacks (the upstream rotated its keys) — at most once per {@code minRefetchInterval} on each node.
 *
 * <p>Why not nimbus's own {@code RateLimitedJWKSetSource}: it sits under the cache, so it also counts the cache's
 * regular refreshes, allows two fetches per interval, and answers a refused one with an exception that looks like an
 * outage. Here a refused refetch is simply "no such key": the token is invalid (400), never the upstream down (503),
 * and the regular refresh of an expired cache is never refused, so a client flooding Roster with unknown kids
 * cannot starve genuine sign-ins of their keys. Only a failure to fetch the JWKS raises {@link KeySourceException}.
 */
final class UpstreamKeys implements JWKSource<SecurityContext> {

    private static final Logger log = LoggerFactory.getLogger(UpstreamKeys.class);

    private final JWKSetSource<SecurityContext> source;
    private final long minRefetchIntervalMs;
    private final AtomicLong nextRefetchAllowedAt = new AtomicLong(Long.MIN_VALUE);

    UpstreamKeys(JWKSetSource<SecurityContext> source, Duration minRefetchInterval) {
        this.source = source;
        this.minRefetchIntervalMs = minRefetchInterval.toMillis();
    }

    @Override
    public List<JWK> get(JWKSelector selector, @Nullable SecurityContext context) throws KeySourceException {
        long now = System.currentTimeMillis();
        JWKSet cached = source.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, context);
        List<JWK> matches = selector.select(cached);
        if (!matches.isEmpty()) {
            return matches;
        }
        if (!claimRefetch(now)) {
            // A client fault (or an attacker's probe), not an operator's concern: no stack trace, not above DEBUG.
            log.debug(
                    "no upstream key matches {}; the JWKS was refetched moments ago, not again", selector.getMatcher());
            return List.of();
        }
        // Refetched unless another thread already replaced the cached set meanwhile.
        JWKSet fresh = source.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(cached), now, context);
        return selector.select(fresh);
    }

    private boolean claimRefetch(long now) {
        long allowedAt = nextRefetchAllowedAt.get();
        return now >= allowedAt && nextRefetchAllowedAt.compareAndSet(allowedAt, now + minRefetchIntervalMs);
    }
}
