package dev.roster.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Server-side latency from Roster's own timer: the {@code http_server_requests_seconds} histogram on
 * {@code /actuator/prometheus}. Two scrapes around a run give, bucket by bucket, how many requests of that run ended
 * within each bound; the p99 is read from that difference.
 */
final class ServerTimings {

    private static final String BUCKET = "http_server_requests_seconds_bucket{";
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** Cumulative request counts by upper bound (seconds) and by {@code uri} tag, successful requests only. */
    record Scrape(Map<String, NavigableMap<Double, Double>> bucketsByUri) {

        /** The requests to {@code uri} completed since {@code before}, by bucket (cumulative). */
        NavigableMap<Double, Double> since(Scrape before, String uri) {
            var after = bucketsByUri.getOrDefault(uri, new TreeMap<>());
            var earlier = before.bucketsByUri.getOrDefault(uri, new TreeMap<>());
            var delta = new TreeMap<Double, Double>();
            after.forEach((le, count) -> delta.put(le, count - earlier.getOrDefault(le, 0.0)));
            return delta;
        }
    }

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI prometheus;

    /** {@code managementUrl}: Roster's management port, where Prometheus scrapes it. */
    ServerTimings(String managementUrl) {
        this.prometheus = URI.create(managementUrl + "/actuator/prometheus");
    }

    Scrape scrape() throws IOException, InterruptedException {
        var buckets = new HashMap<String, NavigableMap<Double, Double>>();
        for (String line : fetch()) {
            if (!line.startsWith(BUCKET)) {
                continue;
            }
            int end = line.lastIndexOf('}');
            Map<String, String> labels = labels(line.substring(BUCKET.length(), end));
            if (!"SUCCESS".equals(labels.get("outcome"))) {
                continue;
            }
            double le =
                    "+Inf".equals(labels.get("le")) ? Double.POSITIVE_INFINITY : Double.parseDouble(labels.get("le"));
            double count = Double.parseDouble(line.substring(end + 1).trim().split(" ")[0]);
            buckets.computeIfAbsent(labels.get("uri"), uri -> new TreeMap<>()).merge(le, count, Double::sum);
        }
        return new Scrape(buckets);
    }

    /**
     * The counter {@code name} now (e.g. {@code roster_role_sync_total}), its samples whose labels include all of
     * {@code where} summed by their value of {@code label} (e.g. by {@code outcome}).
     */
    Map<String, Double> counter(String name, String label, Map<String, String> where)
            throws IOException, InterruptedException {
        var sums = new TreeMap<String, Double>();
        String prefix = name + "{";
        for (String line : fetch()) {
            if (!line.startsWith(prefix)) {
                continue;
            }
            int end = line.lastIndexOf('}');
            Map<String, String> labels = labels(line.substring(prefix.length(), end));
            if (!labels.entrySet().containsAll(where.entrySet()) || !labels.containsKey(label)) {
                continue;
            }
            double value = Double.parseDouble(line.substring(end + 1).trim().split(" ")[0]);
            sums.merge(labels.get(label), value, Double::sum);
        }
        return sums;
    }

    /** The sum of every sample of counter {@code name} now, whatever their labels (0 when it has none yet). */
    double total(String name) throws IOException, InterruptedException {
        double total = 0;
        for (String line : fetch()) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                String[] parts =
                        line.substring(line.lastIndexOf('}') + 1).trim().split(" ");
                total += Double.parseDouble(line.contains("{") ? parts[0] : parts[1]);
            }
        }
        return total;
    }

    /** {@code after - before}, key by key, leaving out keys that did not move. */
    static Map<String, Long> delta(Map<String, Double> before, Map<String, Double> after) {
        var delta = new TreeMap<String, Long>();
        after.forEach((key, value) -> {
            long moved = Math.round(value - before.getOrDefault(key, 0.0));
            if (moved != 0) {
                delta.put(key, moved);
            }
        });
        return delta;
    }

    private List<String> fetch() throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(prometheus)
                .timeout(Duration.ofSeconds(10))
                .header("Accept", "text/plain")
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /actuator/prometheus answered " + response.statusCode());
        }
        return response.body().lines().toList();
    }

    private static Map<String, String> labels(String text) {
        var labels = new HashMap<String, String>();
        Matcher m = LABEL.matcher(text);
        while (m.find()) {
            labels.put(m.group(1), m.group(2));
        }
        return labels;
    }

    /**
     * The {@code percentile} (0-100) of a cumulative histogram, in milliseconds: linear interpolation inside the
     * bucket where the count reaches it; the highest finite bound when it lies beyond; NaN when it is empty.
     */
    static double percentileMs(NavigableMap<Double, Double> cumulative, double percentile) {
        double total = cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
        if (total <= 0) {
            return Double.NaN;
        }
        double target = total * percentile / 100;
        double lowerBound = 0;
        double countBelow = 0;
        for (var bucket : cumulative.entrySet()) {
            double upperBound = bucket.getKey();
            double count = bucket.getValue();
            if (count >= target) {
                if (Double.isInfinite(upperBound)) {
                    return lowerBound * 1e3;
                }
                double fraction = count > countBelow ? (target - countBelow) / (count - countBelow) : 1;
                return (lowerBound + (upperBound - lowerBound) * fraction) * 1e3;
            }
            lowerBound = upperBound;
            countBelow = count;
        }
        return lowerBound * 1e3;
    }
}
