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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * The fallback when wrk is not installed: one thread per connection, each sending its next request as soon as the
 * previous answer is in (closed loop, like wrk), latencies in an HdrHistogram. Same workload semantics as
 * {@link Wrk}, including each worker's own queue of single-use refresh tokens.
 */
final class JavaLoad implements LoadGenerator {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern REFRESH_TOKEN = Pattern.compile("\"refresh_token\"\\s*:\\s*\"([^\"]+)\"");

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
                    + REQUEST_TIMEOUT.toMillis()
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
        private int next;
        private long requests;
        private long errors;

        /** Worker {@code index} starts at its share of the GETs, or takes every connections-th refresh token. */
        Worker(int index, Workload workload, List<String> allRefreshTokens, long deadline) {
            this.workload = workload;
            this.deadline = deadline;
            if (workload instanceof Workload.Gets gets) {
                next = (int) ((long) index * gets.requests().size() / connections);
            }
            for (int i = index; i < allRefreshTokens.size(); i += connections) {
                refreshTokens.add(allRefreshTokens.get(i));
            }
        }

        @Override
        public void run() {
            try (http) {
                while (System.nanoTime() < deadline) {
                    long sent = System.nanoTime();
                    try {
                        HttpResponse<String> response = http.send(nextRequest(), HttpResponse.BodyHandlers.ofString());
                        latencies.recordValue(Math.min(
                                TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - sent),
                                latencies.getHighestTrackableValue()));
                        requests++;
                        if (response.statusCode() / 100 != 2) {
                            errors++;
                        } else if (workload instanceof Workload.Refreshes) {
                            Matcher m = REFRESH_TOKEN.matcher(response.body());
                            if (m.find()) {
                                refreshTokens.add(m.group(1));
                            }
                        }
                    } catch (IOException e) {
                        errors++;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        private HttpRequest nextRequest() {
            return switch (workload) {
                case Workload.Gets gets -> {
                    Workload.Get get = gets.requests().get(next);
                    next = (next + 1) % gets.requests().size();
                    var request = HttpRequest.newBuilder(URI.create(baseUrl + get.path()))
                            .timeout(REQUEST_TIMEOUT);
                    if (get.bearer() != null) {
                        request.header("Authorization", "Bearer " + get.bearer());
                    }
                    yield request.GET().build();
                }
                case Workload.Refreshes ignored -> {
                    String token = refreshTokens.isEmpty() ? "exhausted" : refreshTokens.removeFirst();
                    yield HttpRequest.newBuilder(URI.create(baseUrl + "/v1/auth/token"))
                            .timeout(REQUEST_TIMEOUT)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "grant_type=refresh_token&refresh_token=" + token))
                            .build();
                }
            };
        }
    }
}
