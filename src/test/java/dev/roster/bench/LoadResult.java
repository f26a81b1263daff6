package dev.roster.bench;

/** What a load generator measured: completed requests, client latencies, and failures (non-2xx or I/O errors). */
record LoadResult(long requests, double seconds, double p50Ms, double p99Ms, long errors) {

    double requestsPerSecond() {
        return requests / seconds;
    }
}
