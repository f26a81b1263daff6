package dev.roster.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** A benchmark's outcome: printed as a table, and kept as {@code bench/results/<scenario>.json}. */
record Report(
        String scenario,
        String date,
        boolean quick,
        String tool,
        int durationS,
        Dataset.Size dataset,
        int sampledUsers,
        List<Row> rows,
        double rssMib,
        Map<String, Integer> tokenPayloadBytes) {

    /** One endpoint's numbers; {@code serverP99Ms} is null when the server recorded no successful request. */
    record Row(
            String endpoint,
            double rps,
            double p50Ms,
            double p99Ms,
            @Nullable Double serverP99Ms,
            double ratioToTrivial,
            long errors,
            long requests) {

        static Row of(String endpoint, LoadResult load, double serverP99Ms, double trivialRps) {
            return new Row(
                    endpoint,
                    round(load.requestsPerSecond(), 1),
                    round(load.p50Ms(), 3),
                    round(load.p99Ms(), 3),
                    Double.isNaN(serverP99Ms) ? null : round(serverP99Ms, 3),
                    round(load.requestsPerSecond() / trivialRps, 3),
                    load.errors(),
                    load.requests());
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    static String now() {
        return OffsetDateTime.now(ZoneOffset.UTC)
                .truncatedTo(ChronoUnit.SECONDS)
                .toString();
    }

    void print(PrintStream out) {
        out.printf(Locale.ROOT, "%nRoster benchmark '%s', %s%n", scenario, date);
        out.printf(
                Locale.ROOT,
                "dataset: %,d users, %,d tenants, %,d memberships; %,d users signed in%n",
                dataset.users(),
                dataset.tenants(),
                dataset.memberships(),
                sampledUsers);
        out.printf(Locale.ROOT, "load: %s, %d s per endpoint%n%n", tool, durationS);
        int width = rows.stream().mapToInt(r -> r.endpoint().length()).max().orElse(8);
        String format = "%-" + width + "s  %11s  %13s  %13s  %13s  %16s  %7s%n";
        out.printf(
                Locale.ROOT,
                format,
                "endpoint",
                "requests/s",
                "client p50 ms",
                "client p99 ms",
                "server p99 ms",
                "ratio to trivial",
                "errors");
        for (Row row : rows) {
            out.printf(
                    Locale.ROOT,
                    format,
                    row.endpoint(),
                    String.format(Locale.ROOT, "%,.1f", row.rps()),
                    String.format(Locale.ROOT, "%.3f", row.p50Ms()),
                    String.format(Locale.ROOT, "%.3f", row.p99Ms()),
                    row.serverP99Ms() == null ? "n/a" : String.format(Locale.ROOT, "%.3f", row.serverP99Ms()),
                    String.format(Locale.ROOT, "%.3f", row.ratioToTrivial()),
                    row.errors());
        }
        out.printf(Locale.ROOT, "%nserver resident memory after the load: %.1f MiB%n", rssMib);
        tokenPayloadBytes.forEach((memberships, bytes) -> out.printf(
                Locale.ROOT, "access token payload, user with %s membership(s): %d bytes%n", memberships, bytes));
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, JSON.writeValueAsString(this) + "\n");
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
