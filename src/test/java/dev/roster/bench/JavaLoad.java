package dev.roster.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * The fallback when wrk is not installed, and the generator of what wrk cannot do (a read chained to a write): one
 * thread per connection, each sending its next request as soon as the previous answer is in (closed loop, like wrk),
 * latencies in an HdrHistogram. Same workload semantics as {@link Wrk}, including each worker's own queue of
 * single-use refresh tokens and its own share of the puts.
 */
final class JavaLoad implements LoadGenerator {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern REFRESH_TOKEN = Pattern.compile("\"refresh_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final String VERSION_HEADER = "Roster-Version";
    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*(\\d+)");

    private final String baseUrl;
    private final int connections;

    JavaLoad(String baseUrl, int connections) {
        this.baseUrl = baseUrl;
        this.connections = connections;
    }

    @Override
    public String description() {
        return "java (" + connections + " connections)";
    }

    @Override
    public LoadResult run(Workload workload, Duration duration) throws InterruptedException, IOException {
        int dealt = switch (workload) {
            case Workload.Puts puts -> puts.requests().size();
            case Workload.ReadsAfterPuts reads -> reads.steps().size();
            case Workload.Gets ignored -> connections;
            case Workload.Posts ignored -> connections;
            case Workload.Refreshes ignored -> connections;
        };
        if (dealt < connections) {
            throw new IllegalArgumentException(
                    "each of the " + connections + " connections needs a put of its own; there are " + dealt);
        }
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        List<String> refreshTokens = workload instanceof Workload.Refreshes refreshes
                ? refreshes.tokens().takeAll()
                : List.of();
        var workers = new ArrayList<Worker>();
        var threads = new ArrayList<Thread>();
        for (int i = 0; i < connections; i++) {
            var worker = new Worker(i, workload, refreshTokens, deadline);
            workers.add(worker);
            threads.add(Thread.ofPlatform().name("load-" + i).start(worker));
        }
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))
                    + 2 * REQUEST_TIMEOUT.toMillis() // a read after a put is two requests
                    + 5_000);
            if (thread.isAlive()) {
                throw new IOException("a load thread did not stop in time");
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        var latencies = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        long requests = 0;
        long errors = 0;
        for (Worker worker : workers) {
            if (workload instanceof Workload.Refreshes refreshes) {
                refreshes.tokens().giveBack(worker.refreshTokens);
            }
            latencies.add(worker.latencies);
            requests += worker.requests;
            errors += worker.errors;
        }
        return new LoadResult(
                requests,
                seconds,
                latencies.getValueAtPercentile(50) / 1e3,
                latencies.getValueAtPercentile(99) / 1e3,
                errors);
    }

    /**
     * A connection's own share of a list (every connections-th item from its index), in turn. Each call of
     * {@link #next} tells whether the item comes on an alternate pass (the 2nd, 4th, ...) over the share.
     */
    private static final class Share<T> {

        record Turn<T>(T item, boolean alternatePass) {}

        private final List<T> items = new ArrayList<>();
        private int position;
        private boolean alternatePass;

        Share(List<T> all, int index, int connections) {
            for (int i = index; i < all.size(); i += connections) {
                items.add(all.get(i));
            }
        }

        Turn<T> next() {
            if (position == items.size()) {
                position = 0;
                alternatePass = !alternatePass;
            }
            return new Turn<>(items.get(position++), alternatePass);
        }
    }

    /** One connection's closed loop. */
    private final class Worker implements Runnable {

        private final HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(REQUEST_TIMEOUT)
                .build();
        private final Histogram latencies = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        private final Workload workload;
        private final long deadline;
        private final Deque<String> refreshTokens = new ArrayDeque<>();
        private @Nullable Share<Workload.Put> puts;
        private @Nullable Share<Workload.ReadAfterPut> steps;
        private int next;
        private long requests;
        private long errors;

        /**
         * Worker {@code index} starts at its share of the GETs (or POSTs), or takes every connections-th refresh token,
         * put or read after a put.
         */
        Worker(int index, Workload workload, List<String> allRefreshTokens, long deadline) {
            this.workload = workload;
            this.deadline = deadline;
            switch (workload) {
                case Workload.Gets gets ->
                    next = (int) ((long) index * gets.requests().size() / connections);
                case Workload.Posts posts ->
                    next = (int) ((long) index * posts.requests().size() / connections);
                case Workload.Refreshes ignored -> {
                    for (int i = index; i < allRefreshTokens.size(); i += connections) {
                        refreshTokens.add(allRefreshTokens.get(i));
                    }
                }
                case Workload.Puts all -> puts = new Share<>(all.requests(), index, connections);
                case Workload.ReadsAfterPuts all -> steps = new Share<>(all.steps(), index, connections);
            }
        }

        @Override
        public void run() {
            try (http) {
                while (System.nanoTime() < deadline) {
                    try {
                        iterate();
                    } catch (IOException e) {
                        errors++;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        private void iterate() throws IOException, InterruptedException {
            switch (workload) {
                case Workload.Gets gets -> {
                    Workload.Get get = gets.requests().get(next);
                    next = (next + 1) % gets.requests().size();
                    timed(get(get.path(), get.bearer()));
                }
                case Workload.Posts posts -> {
                    Workload.Post post = posts.requests().get(next);
                    next = (next + 1) % posts.requests().size();
                    timed(HttpRequest.newBuilder(URI.create(baseUrl + post.path()))
                            .timeout(REQUEST_TIMEOUT)
                            .header("Authorization", "Bearer " + post.bearer())
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(post.body()))
                            .build());
                }
                case Workload.Refreshes ignored -> {
                    String token = refreshTokens.isEmpty() ? "exhausted" : refreshTokens.removeFirst();
                    HttpResponse<String> response = timed(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/auth/token"))
                            .timeout(REQUEST_TIMEOUT)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "grant_type=refresh_token&refresh_token=" + token))
                            .build());
                    Matcher m = REFRESH_TOKEN.matcher(response.body());
                    if (response.statusCode() == 200 && m.find()) {
                        refreshTokens.add(m.group(1));
                    }
                }
                case Workload.Puts ignored -> {
                    Share.Turn<Workload.Put> turn = puts.next();
                    timed(put(turn.item(), turn.alternatePass()));
                }
                case Workload.ReadsAfterPuts ignored -> {
                    Share.Turn<Workload.ReadAfterPut> turn = steps.next();
                    Workload.ReadAfterPut step = turn.item();
                    HttpResponse<String> put =
                            http.send(put(step.put(), turn.alternatePass()), HttpResponse.BodyHandlers.ofString());
                    OptionalLong version = put.statusCode() / 100 == 2 ? version(put) : OptionalLong.empty();
                    if (version.isEmpty()) {
                        requests++;
                        errors++;
                        return;
                    }
                    timed(get(step.readPath() + version.getAsLong(), step.readerBearer()));
                }
            }
        }

        /** Sends {@code request} and counts it: its latency, and an error unless it answered 2xx. */
        private HttpResponse<String> timed(HttpRequest request) throws IOException, InterruptedException {
            long sent = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            latencies.recordValue(Math.min(
                    TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - sent), latencies.getHighestTrackableValue()));
            requests++;
            if (response.statusCode() / 100 != 2) {
                errors++;
            }
            return response;
        }

        private HttpRequest get(String path, @Nullable String bearer) {
            var request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(REQUEST_TIMEOUT);
            if (bearer != null) {
                request.header("Authorization", "Bearer " + bearer);
            }
            return request.GET().build();
        }

        private HttpRequest put(Workload.Put put, boolean alternatePass) {
            return HttpRequest.newBuilder(URI.create(baseUrl + put.path()))
                    .timeout(REQUEST_TIMEOUT)
                    .header("Authorization", "Bearer " + put.bearer())
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(alternatePass ? put.alternateBody() : put.body()))
                    .build();
        }
    }

    /** The version a write answered: its {@code Roster-Version} header, else {@code "version"} in its JSON body. */
    static OptionalLong version(HttpResponse<String> response) {
        var header = response.headers().firstValue(VERSION_HEADER).map(String::strip);
        if (header.isPresent() && header.get().matches("\\d{1,18}")) {
            return OptionalLong.of(Long.parseLong(header.get()));
        }
        Matcher m = VERSION.matcher(response.body());
        return m.find() && m.group(1).length() <= 18
                ? OptionalLong.of(Long.parseLong(m.group(1)))
                : OptionalLong.empty();
    }
}
