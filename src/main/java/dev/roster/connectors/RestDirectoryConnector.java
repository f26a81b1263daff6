package dev.roster.connectors;

import dev.roster.connectors.UpstreamBudget.Priority;
import dev.roster.connectors.UpstreamCallFailed.Kind;
import dev.roster.platform.LogThrottle;
import dev.roster.platform.RetryAfter;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A user directory over HTTP (the contract is in {@code docs/configuration.md}, "REST directory connector"): sign-in
 * sends the user's own token to {@code GET /api/v1/users/me}; lookups and search use Roster's API key.
 *
 * <p>Every HTTP attempt, retries included, first takes a permit from the {@link UpstreamBudget}. Reads that failed on
 * the network, by timeout or with a 5xx are retried with exponential backoff; nothing else is. A circuit breaker counts
 * only those outages (not a 404, not a refused user token) and, while open, fails calls at once with
 * {@link Kind#CIRCUIT_OPEN}. A 429, or a 503 with {@code Retry-After}, pauses the budget and fails at once with
 * {@link Kind#RATE_LIMITED}. A connect timeout counts as {@link Kind#NETWORK} (no connection), a read timeout as
 * {@link Kind#TIMEOUT}; a 3xx or a 4xx other than 401/403 (and 404 of a lookup) is {@link Kind#MALFORMED}: the
 * directory does not speak the contract at that URL.
 *
 * <p>Sign-in: a token the directory refuses (401/403) is {@link InvalidUpstreamToken}; an answer that does not fit the
 * configured contract is {@link UpstreamMisconfigured} (retrying will not mend it); every other failure is
 * {@link UpstreamUnavailable}, with the directory's {@code Retry-After} when it sent one.
 */
public class RestDirectoryConnector implements UpstreamConnector, UpstreamDirectory, UpstreamRoleWriter, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RestDirectoryConnector.class);

    static final String CONNECTOR = "rest_directory";

    /** How long the budget pauses after a 429 without {@code Retry-After}. */
    static final Duration DEFAULT_PAUSE = Duration.ofSeconds(5);

    private static final int MAX_TOKEN_LENGTH = 16 * 1024;

    enum Operation {
        ME,
        FETCH,
        SEARCH,
        ASSIGN,
        REVOKE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** An HTTP answer: status, headers, and a body of at most the configured size. */
    private record Answer(int status, HttpHeaders headers, byte[] body) {}

    private final String baseUrl;
    private final @Nullable String apiKey;
    private final String apiKeyHeader;
    private final boolean writeBack;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration tokenLifetime;
    private final long maxBodyBytes;
    private final DirectoryUserReader reader;
    private final JsonMapper json;
    private final UpstreamBudget budget;
    private final MeterRegistry meters;
    private final Counter unauthorized;
    private final Clock clock;
    private final HttpClient http;
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final LogThrottle apiKeyErrors = new LogThrottle(Duration.ofMinutes(1));
    private final LogThrottle malformedWarnings = new LogThrottle(Duration.ofMinutes(1));
    private final LogThrottle outageWarnings = new LogThrottle(Duration.ofMinutes(1));

    public RestDirectoryConnector(
            DirectorySettings settings, JsonMapper json, UpstreamBudget budget, MeterRegistry meters, Clock clock) {
        this.baseUrl = normalised(settings.baseUrl());
        this.apiKey = settings.apiKey() == null || settings.apiKey().isBlank() ? null : settings.apiKey();
        this.apiKeyHeader = settings.apiKeyHeader();
        this.writeBack = settings.writeBack();
        this.connectTimeout = settings.connectTimeout();
        this.readTimeout = settings.readTimeout();
        this.tokenLifetime = settings.tokenLifetime();
        this.maxBodyBytes = settings.maxBodySize().toBytes();
        this.reader = new DirectoryUserReader(settings.fields(), settings.emailVerifiedDefault());
        this.json = json;
        this.budget = budget;
        this.meters = meters;
        this.unauthorized = Counter.builder("roster.upstream.unauthorized")
                .description("Answers 401/403 of the upstream directory to Roster's own API key")
                .tag("connector", CONNECTOR)
                .register(meters);
        this.clock = clock;
        // HTTP/1.1: a plain REST directory gains nothing from h2c, and the JDK's h2c upgrade of concurrent requests
        // on a fresh connection can leave some unanswered until the read timeout.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                // Its own threads: the JDK client otherwise hands some completions to the common pool, which a busy
                // caller on a small machine (one worker on two cores) can starve until the read timeout.
                .executor(java.util.concurrent.Executors.newCachedThreadPool(
                        Thread.ofPlatform().name("directory-http-", 0).daemon().factory()))
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.retry = retry(settings.retry());
        this.breaker = breaker(settings.circuitBreaker());
        if (apiKey == null) {
            log.warn("ROSTER_DIRECTORY_API_KEY is not set: lookups and searches of {} send no API key", baseUrl);
        }
    }

    private static Retry retry(DirectorySettings.RetryPolicy policy) {
        return Retry.of(
                CONNECTOR,
                RetryConfig.custom()
                        .maxAttempts(Math.max(1, policy.maxAttempts()))
                        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(
                                policy.initialWait(), policy.multiplier(), policy.jitter()))
                        .retryOnException(e -> e instanceof UpstreamCallFailed f && isOutage(f.kind()))
                        .build());
    }

    private static CircuitBreaker breaker(DirectorySettings.BreakerPolicy policy) {
        return CircuitBreaker.of(
                CONNECTOR,
                CircuitBreakerConfig.custom()
                        .failureRateThreshold(policy.failureRateThreshold())
                        .slidingWindow(
                                policy.slidingWindow(),
                                policy.minimumCalls(),
                                CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                        .waitDurationInOpenState(policy.openFor())
                        // Disjoint: outages count as failures; anything else thrown (a refused token, a malformed
                        // answer, an exhausted budget) counts as neither failure nor success.
                        .recordException(e -> e instanceof UpstreamCallFailed f && isOutage(f.kind()))
                        .ignoreException(e -> !(e instanceof UpstreamCallFailed f && isOutage(f.kind())))
                        .build());
    }

    /** The failures a retry may mend and the circuit breaker counts: the directory was not reachable or not well. */
    private static boolean isOutage(Kind kind) {
        return kind == Kind.NETWORK || kind == Kind.TIMEOUT || kind == Kind.SERVER_ERROR;
    }

    /** The base URL, without trailing slashes: stored as {@code users.provider} when the directory signs users in. */
    @Override
    public String provider() {
        return baseUrl;
    }

    /**
     * Asks the directory who the token belongs to. The token is opaque to Roster: it is acceptable for
     * {@code token-lifetime} from now, and identified by its SHA-256 (so Roster exchanges each one once).
     */
    @Override
    public UpstreamAuthentication authenticate(String token) {
        if (!isBearerToken(token)) {
            throw new InvalidUpstreamToken("The subject token is not a bearer token.");
        }
        HttpRequest request = request("/api/v1/users/me")
                .header("Authorization", "Bearer " + token)
                .build();
        UpstreamUser user;
        try {
            user = call(Operation.ME, Priority.INTERACTIVE, request, answer -> reader.user(parse(answer)));
        } catch (UpstreamCallFailed e) {
            throw switch (e.kind()) {
                case UNAUTHORIZED -> new InvalidUpstreamToken("The directory did not accept the subject token.");
                case MALFORMED ->
                    new UpstreamMisconfigured("The directory's answer does not fit Roster's configuration;"
                            + " the operator must check ROSTER_DIRECTORY_BASE_URL and ROSTER_DIRECTORY_FIELDS_*.");
                default -> {
                    logOutage(e);
                    Duration retryAfter = e.retryAfter();
                    yield retryAfter != null
                            ? new UpstreamUnavailable("The directory could not be asked about the token.", retryAfter)
                            : new UpstreamUnavailable("The directory could not be asked about the token.");
                }
            };
        }
        return new UpstreamAuthentication(user, tokenId(token), clock.instant().plus(tokenLifetime));
    }

    @Override
    public Lookup fetch(String externalId, Priority priority) {
        HttpRequest request =
                apiRequest("/api/v1/users/" + pathSegment(externalId)).build();
        return call(
                Operation.FETCH,
                priority,
                request,
                answer -> answer.status() == 404 ? new Lookup.Gone() : new Lookup.Found(reader.user(parse(answer))));
    }

    @Override
    public List<UpstreamUser> search(String query, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        HttpRequest request = apiRequest("/api/v1/users/search?q=" + encode(query) + "&limit=" + limit)
                .build();
        return call(
                Operation.SEARCH,
                Priority.INTERACTIVE,
                request,
                answer -> reader.users(parse(answer), limit, skipped -> logMalformed(Operation.SEARCH, skipped)));
    }

    /** Whether Roster's own membership changes are written back ({@code ROSTER_DIRECTORY_WRITE_BACK}). */
    @Override
    public boolean writesBack() {
        return writeBack;
    }

    /**
     * {@code PUT {base}/api/v1/users/{id}/roles/{tenant}} with {@code {"role": "<slug>"}}: the user holds that role
     * in that tenant from now on (replacing another). Not retried here: the outbox retries, on its schedule.
     */
    @Override
    public void assign(String userExternalId, String tenantKey, String role, String idempotencyKey) {
        HttpRequest request = apiRequest(rolePath(userExternalId, tenantKey))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(java.util.Map.of("role", role))))
                .build();
        write(Operation.ASSIGN, request);
    }

    /** {@code DELETE {base}/api/v1/users/{id}/roles/{tenant}}; a {@code 404} means it is already gone: done. */
    @Override
    public void revoke(String userExternalId, String tenantKey, String idempotencyKey) {
        HttpRequest request = apiRequest(rolePath(userExternalId, tenantKey))
                .header("Idempotency-Key", idempotencyKey)
                .DELETE()
                .build();
        write(Operation.REVOKE, request);
    }

    private static String rolePath(String userExternalId, String tenantKey) {
        return "/api/v1/users/" + pathSegment(userExternalId) + "/roles/" + pathSegment(tenantKey);
    }

    /** One attempt through the circuit breaker, under the background budget. */
    private void write(Operation operation, HttpRequest request) {
        throughBreaker(operation, () -> attempt(operation, Priority.BACKGROUND, request, answer -> Boolean.TRUE));
    }

    /** Whether the circuit breaker is open (calls fail at once), for the health check. */
    boolean circuitOpen() {
        return breaker.getState() == CircuitBreaker.State.OPEN;
    }

    @Override
    public void close() {
        http.close();
    }

    /** Retry around the circuit breaker around one attempt: each attempt is counted by the breaker. */
    private <T> T call(Operation operation, Priority priority, HttpRequest request, Function<Answer, T> interpret) {
        return retry.executeSupplier(
                () -> throughBreaker(operation, () -> attempt(operation, priority, request, interpret)));
    }

    /** One attempt if the circuit breaker lets it through; {@code circuit_open} (not called) when it does not. */
    private <T> T throughBreaker(Operation operation, java.util.function.Supplier<T> attempt) {
        try {
            return breaker.executeSupplier(attempt);
        } catch (CallNotPermittedException e) {
            record(operation, "circuit_open", 0);
            throw new UpstreamCallFailed(
                    Kind.CIRCUIT_OPEN,
                    "the circuit breaker of " + baseUrl + " is open after repeated failures; not called",
                    null,
                    e);
        }
    }

    private <T> T attempt(Operation operation, Priority priority, HttpRequest request, Function<Answer, T> interpret) {
        budget.acquire(priority);
        long started = System.nanoTime();
        try {
            Answer answer = send(request);
            UpstreamCallFailed failure = failure(operation, answer);
            if (failure != null) {
                throw failure;
            }
            T result = interpret.apply(answer);
            record(operation, result instanceof Lookup.Gone ? "not_found" : "ok", System.nanoTime() - started);
            return result;
        } catch (UpstreamCallFailed e) {
            record(operation, outcome(e.kind()), System.nanoTime() - started);
            if (e.kind() == Kind.RATE_LIMITED) {
                Duration retryAfter = e.retryAfter();
                budget.pause(retryAfter != null ? retryAfter : DEFAULT_PAUSE);
            } else if (e.kind() == Kind.MALFORMED) {
                logMalformed(operation, e);
            }
            throw e;
        }
    }

    /** What a status says, or {@code null} when the answer is one to interpret (2xx; a lookup's 404). */
    private @Nullable UpstreamCallFailed failure(Operation operation, Answer answer) {
        int status = answer.status();
        if (status >= 200 && status < 300
                || status == 404 && (operation == Operation.FETCH || operation == Operation.REVOKE)) {
            return null;
        }
        if (status == 401 || status == 403) {
            if (operation == Operation.ME) {
                return new UpstreamCallFailed(Kind.UNAUTHORIZED, "the directory refused the user's token: " + status);
            }
            apiKeyRefused(operation, status);
            return new UpstreamCallFailed(
                    Kind.UNAUTHORIZED,
                    "the directory refused Roster's API key: " + status + " to " + operation.label());
        }
        Duration retryAfter =
                retryAfter(answer.headers().firstValue("Retry-After").orElse(null), clock.instant());
        if (status == 429 || status == 503 && retryAfter != null) {
            return new UpstreamCallFailed(
                    Kind.RATE_LIMITED, "the directory asks Roster to slow down: " + status, retryAfter, null);
        }
        if (status >= 500) {
            return new UpstreamCallFailed(Kind.SERVER_ERROR, "the directory answered " + status);
        }
        if ((operation == Operation.ASSIGN || operation == Operation.REVOKE)
                && (status == 400 || status == 404 || status == 409 || status == 422)) {
            return new UpstreamCallFailed(
                    Kind.REJECTED, "the directory refused to " + operation.label() + " the role: " + status);
        }
        return new UpstreamCallFailed(
                Kind.MALFORMED,
                "the directory answered " + status + " to " + operation.label() + ", which the contract does not"
                        + " provide for (is ROSTER_DIRECTORY_BASE_URL right?)");
    }

    /**
     * One exchange, bounded as a whole (connect and read timeouts) and in size: a body larger than the limit is
     * refused as soon as it is, not read to the end.
     */
    private Answer send(HttpRequest request) {
        var tooLarge = new AtomicBoolean();
        CompletableFuture<HttpResponse<byte[]>> pending =
                http.sendAsync(request, info -> new LimitedBody(maxBodyBytes, tooLarge));
        try {
            HttpResponse<byte[]> response =
                    pending.get(connectTimeout.plus(readTimeout).toMillis(), TimeUnit.MILLISECONDS);
            return new Answer(response.statusCode(), response.headers(), response.body());
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new UpstreamCallFailed(Kind.TIMEOUT, "no answer within " + readTimeout, null, e);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new UpstreamCallFailed(Kind.NETWORK, "interrupted while waiting for the directory", null, e);
        } catch (ExecutionException e) {
            Throwable failure = e.getCause() != null ? e.getCause() : e;
            if (tooLarge.get()) {
                // Whatever the client reports (HTTP/2 says the stream was cancelled), the body was too large.
                throw new UpstreamCallFailed(
                        Kind.MALFORMED,
                        "the directory's answer is larger than " + maxBodyBytes
                                + " bytes (ROSTER_DIRECTORY_MAX_BODY_SIZE)",
                        null,
                        failure);
            }
            throw transportFailure(failure);
        }
    }

    private UpstreamCallFailed transportFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpConnectTimeoutException) {
                return new UpstreamCallFailed(
                        Kind.NETWORK, "could not connect to the directory within " + connectTimeout, null, failure);
            }
            if (cause instanceof HttpTimeoutException) {
                return new UpstreamCallFailed(Kind.TIMEOUT, "no answer within " + readTimeout, null, failure);
            }
        }
        return new UpstreamCallFailed(Kind.NETWORK, "no answer from the directory: " + failure, null, failure);
    }

    private JsonNode parse(Answer answer) {
        try {
            return json.readTree(answer.body());
        } catch (JacksonException e) {
            throw new UpstreamCallFailed(
                    Kind.MALFORMED, "the directory's answer is not JSON: " + e.getOriginalMessage(), null, e);
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(readTimeout)
                .header("Accept", "application/json")
                .GET();
    }

    private HttpRequest.Builder apiRequest(String path) {
        HttpRequest.Builder builder = request(path);
        if (apiKey != null) {
            builder.header(apiKeyHeader, apiKey);
        }
        return builder;
    }

    /** Roster is misconfigured: loud, but one ERROR a minute (with how many since), counted every time. */
    private void apiKeyRefused(Operation operation, int status) {
        unauthorized.increment();
        OptionalLong heldBack = apiKeyErrors.pass();
        if (heldBack.isPresent()) {
            log.error(
                    "the directory {} refused Roster's API key ({} to {}): check ROSTER_DIRECTORY_API_KEY and"
                            + " ROSTER_DIRECTORY_API_KEY_HEADER ({} more refusals since the previous error)",
                    baseUrl,
                    status,
                    operation.label(),
                    heldBack.getAsLong());
        } else {
            log.debug("the directory {} refused Roster's API key ({} to {})", baseUrl, status, operation.label());
        }
    }

    private void logMalformed(Operation operation, UpstreamCallFailed e) {
        if (malformedWarnings.pass().isPresent()) {
            log.warn("the directory {} gave an unusable answer to {}: {}", baseUrl, operation.label(), e.getMessage());
        } else {
            log.debug("the directory {} gave an unusable answer to {}: {}", baseUrl, operation.label(), e.getMessage());
        }
    }

    private void logOutage(UpstreamCallFailed e) {
        if (outageWarnings.pass().isPresent()) {
            log.warn("could not check a sign-in token with the directory {}: {}", baseUrl, e.getMessage());
        } else {
            log.debug("could not check a sign-in token with the directory {}", baseUrl, e);
        }
    }

    private void record(Operation operation, String outcome, long nanos) {
        Timer.builder("roster.upstream.request")
                .description("Requests to the upstream directory, one per HTTP attempt")
                .tag("connector", CONNECTOR)
                .tag("operation", operation.label())
                .tag("outcome", outcome)
                .register(meters)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    private static String outcome(Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /** {@code sha256:<hex>} of the token: which token it was, without keeping it. */
    static String tokenId(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Printable ASCII without spaces, of a sane length: anything else could not travel in a header. */
    private static boolean isBearerToken(String token) {
        return !token.isEmpty()
                && token.length() <= MAX_TOKEN_LENGTH
                && token.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    /** {@code Retry-After} (seconds or an HTTP date) from {@code now}; {@code null} when absent or unreadable. */
    static @Nullable Duration retryAfter(@Nullable String value, Instant now) {
        return RetryAfter.parse(value, now);
    }

    /** One path segment: percent-encoded, so that an id can never step into another path. */
    static String pathSegment(String id) {
        String encoded = encode(id);
        return encoded.equals(".") || encoded.equals("..") ? encoded.replace(".", "%2E") : encoded;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String normalised(@Nullable String baseUrl) {
        String url = baseUrl == null ? "" : baseUrl.trim().replaceAll("/+$", "");
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null
                || uri.getHost() == null
                || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                || uri.getQuery() != null
                || uri.getFragment() != null
                || uri.getUserInfo() != null) {
            throw new IllegalStateException(
                    "ROSTER_DIRECTORY_BASE_URL must be an absolute http(s) URL without credentials, query or fragment, not "
                            + (uri != null && uri.getUserInfo() != null
                                    ? "one with credentials in it (give the key in ROSTER_DIRECTORY_API_KEY)"
                                    : "'" + baseUrl + "'"));
        }
        return url;
    }

    /**
     * Collects at most {@code limit} bytes; beyond that it stops reading, fails the body and raises {@code tooLarge}
     * (the exception the client then reports depends on the protocol, the flag does not).
     */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {

        private final HttpResponse.BodySubscriber<byte[]> bytes = HttpResponse.BodySubscribers.ofByteArray();
        private final long limit;
        private final AtomicBoolean tooLarge;
        private long received;
        private Flow.@Nullable Subscription subscription;

        LimitedBody(long limit, AtomicBoolean tooLarge) {
            this.limit = limit;
            this.tooLarge = tooLarge;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return bytes.getBody();
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            bytes.onSubscribe(subscription);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            if (tooLarge.get()) {
                return;
            }
            for (ByteBuffer buffer : item) {
                received += buffer.remaining();
            }
            if (received > limit) {
                tooLarge.set(true);
                if (subscription != null) {
                    subscription.cancel();
                }
                bytes.onError(new IOException("the answer is larger than " + limit + " bytes"));
                return;
            }
            bytes.onNext(item);
        }

        @Override
        public void onError(Throwable throwable) {
            if (!tooLarge.get()) {
                bytes.onError(throwable);
            }
        }

        @Override
        public void onComplete() {
            if (!tooLarge.get()) {
                bytes.onComplete();
            }
        }
    }
}
