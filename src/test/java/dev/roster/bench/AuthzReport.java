package dev.roster.bench;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code authz} scenario's outcome: the report of every scenario (rows, targets, dataset), plus the grants
 * generated and how the two check caches were used: in the whole warm phase ({@code warm}), and in each row of the
 * cold one (by its label), which shows how many lookups really missed. Kept as {@code bench/results/authz.json}, the report's fields at the top level.
 */
record AuthzReport(
        @JsonUnwrapped Report report,
        GrantDataset.Size grants,
        Map<String, Map<String, AuthzBenchmark.CacheUse>> authzCacheGets)
        implements BenchRun.Results {

    @Override
    public void print(PrintStream out) {
        report.print(out);
        out.printf(
                Locale.ROOT,
                "grants: %,d (%d tenants of %,d grants and %,d members each)%n",
                grants.grants(),
                grants.largeTenants(),
                grants.largeTenantGrants(),
                grants.largeTenantMembers());
        authzCacheGets.forEach((phase, caches) -> {
            var line = new StringBuilder(String.format(Locale.ROOT, "check caches, %s:", phase));
            if (caches.values().stream().allMatch(use -> use.hits() + use.misses() == 0)) {
                out.println(line + " off (every lookup read the database)");
                return;
            }
            caches.forEach((cache, use) -> line.append(String.format(
                    Locale.ROOT,
                    " %s %.1f %% hits (%,d of %,d);",
                    cache,
                    100 * use.hitRatio(),
                    use.hits(),
                    use.hits() + use.misses())));
            out.println(line.substring(0, line.length() - 1));
        });
    }

    @Override
    public void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, Report.JSON.writeValueAsString(this) + "\n");
    }
}
