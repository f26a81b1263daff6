package dev.roster.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Load from <a href="https://github.com/wg/wrk">wrk</a>, driven by generated Lua scripts: the requests (or refresh
 * tokens) come from a data file read in each thread's {@code init}, each thread taking its own slice, and
 * {@code done} prints the numbers this class parses. wrk cannot chain one request to the answer of another, so
 * {@link Workload.ReadsAfterPuts} is for {@link JavaLoad} only (see {@link #supports}).
 */
final class Wrk implements LoadGenerator {

    /** Gives every thread an id (0, 1, ...) and prints the summary; shared by both scripts. */
    private static final String COMMON_LUA = """
            local threads = {}
            function setup(thread)
              thread:set("id", #threads)
              threads[#threads + 1] = thread
            end

            function done(summary, latency, requests)
              local e = summary.errors
              io.write(string.format(
                "BENCH-RESULT requests=%d duration_us=%d p50_us=%.0f p99_us=%.0f errors=%d\\n",
                summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
                e.status + e.connect + e.read + e.write + e.timeout))
              if after then after(threads) end
            end
            """;

    /** Data file lines: {@code <path> <bearer or ->}. Requests are formatted once, in init. */
    private static final String GETS_LUA = COMMON_LUA + """

            function init(args)
              prepared = {}
              for line in io.lines(args[1]) do
                local path, bearer = line:match("^(%S+) (%S+)$")
                local headers = {}
                if bearer ~= "-" then headers["Authorization"] = "Bearer " .. bearer end
                prepared[#prepared + 1] = wrk.format("GET", path, headers)
              end
              position = math.floor(id * #prepared / tonumber(args[2]))
            end

            function request()
              position = position % #prepared + 1
              return prepared[position]
            end
            """;

    /** Data file lines: {@code <path> <bearer> <JSON body>}, as {@link #GETS_LUA} otherwise. */
    private static final String POSTS_LUA = COMMON_LUA + """

            function init(args)
              prepared = {}
              for line in io.lines(args[1]) do
                local path, bearer, body = line:match("^(%S+) (%S+) (%S+)$")
                local headers = {["Authorization"] = "Bearer " .. bearer, ["Content-Type"] = "application/json"}
                prepared[#prepared + 1] = wrk.format("POST", path, headers, body)
              end
              position = math.floor(id * #prepared / tonumber(args[2]))
            end

            function request()
              position = position % #prepared + 1
              return prepared[position]
            end
            """;

    /**
     * Data file lines: one refresh token. Each thread keeps a queue of its own tokens: request pops one, response
     * pushes the successor from the answer. An empty queue (more connections than tokens) sends "exhausted", which
     * fails visibly. At the end, the queues are written to the file named by the placeholder LEFTOVERS.
     */
    private static final String REFRESH_LUA = COMMON_LUA + """

            function init(args)
              queue, head, tail = {}, 1, 0
              local threadCount, index = tonumber(args[2]), 0
              for line in io.lines(args[1]) do
                if index % threadCount == id then
                  tail = tail + 1
                  queue[tail] = line
                end
                index = index + 1
              end
              form = {["Content-Type"] = "application/x-www-form-urlencoded"}
            end

            function request()
              local token = "exhausted"
              if head <= tail then
                token = queue[head]
                queue[head] = nil
                head = head + 1
              end
              return wrk.format("POST", "/v1/auth/token", form, "grant_type=refresh_token&refresh_token=" .. token)
            end

            function response(status, headers, body)
              if status == 200 then
                local token = body:match('"refresh_token"%s*:%s*"([^"]+)"')
                if token then
                  tail = tail + 1
                  queue[tail] = token
                end
              end
            end

            function after(threads)
              local file = assert(io.open("LEFTOVERS", "w"))
              for _, thread in ipairs(threads) do
                local queue = thread:get("queue")
                for i = thread:get("head"), thread:get("tail") do file:write(queue[i], "\\n") end
              end
              file:close()
            end
            """;

    /**
     * Data file lines: {@code <path> <bearer> <body> <alternate body>} (no spaces inside any). Each thread owns every
     * thread-count-th line, formats both PUTs of each once, and sends its own in turn, switching bodies after each
     * full pass (see {@link Workload.Puts}).
     */
    private static final String PUTS_LUA = COMMON_LUA + """

            function init(args)
              puts = {}
              local threadCount, index = tonumber(args[2]), 0
              for line in io.lines(args[1]) do
                if index % threadCount == id then
                  local path, bearer, body, alternate = line:match("^(%S+) (%S+) (%S+) (%S+)$")
                  local headers = {["Authorization"] = "Bearer " .. bearer, ["Content-Type"] = "application/json"}
                  puts[#puts + 1] = {wrk.format("PUT", path, headers, body), wrk.format("PUT", path, headers, alternate)}
                end
                index = index + 1
              end
              position, pass = 0, 1
              -- wrk calls request() once on thread 0 before the run, only to check that it parses: that call must not
              -- use up a put, or its target would fall a pass behind and its next put would change nothing.
              checked = id ~= 0
            end

            function request()
              if not checked then
                checked = true
                return puts[1][1]
              end
              position = position + 1
              if position > #puts then
                position, pass = 1, 3 - pass
              end
              return puts[position][pass]
            end
            """;

    private static final Pattern RESULT = Pattern.compile(
            "BENCH-RESULT requests=(\\d+) duration_us=(\\d+) p50_us=(\\d+) p99_us=(\\d+) errors=(\\d+)");

    private final String baseUrl;
    private final Path dir;
    private final int threads;
    private final int connections;
    private int runs;

    Wrk(String baseUrl, Path dir, int connections) {
        this.baseUrl = baseUrl;
        this.dir = dir;
        this.threads = Math.min(2, connections);
        this.connections = connections;
    }

    /** Whether wrk can send {@code workload}: anything but a read chained to a put. */
    static boolean supports(Workload workload) {
        return !(workload instanceof Workload.ReadsAfterPuts);
    }

    static boolean installed() {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "wrk"))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String description() {
        return "wrk -t" + threads + " -c" + connections;
    }

    @Override
    public LoadResult run(Workload workload, Duration duration) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String name = "run-" + ++runs;
        Path data = dir.resolve(name + ".data");
        Path script = dir.resolve(name + ".lua");
        Path output = dir.resolve(name + ".out");
        Path leftovers = dir.resolve(name + ".leftovers");
        Files.deleteIfExists(leftovers); // a stale one would hold used tokens
        switch (workload) {
            case Workload.Gets gets -> {
                Files.writeString(
                        data,
                        gets.requests().stream()
                                .map(g -> g.path() + " " + (g.bearer() == null ? "-" : g.bearer()))
                                .collect(Collectors.joining("\n", "", "\n")));
                Files.writeString(script, GETS_LUA);
            }
            case Workload.Posts posts -> {
                var lines = new StringBuilder();
                for (Workload.Post post : posts.requests()) {
                    if (post.body().chars().anyMatch(Character::isWhitespace)) {
                        throw new IllegalArgumentException(
                                "a POST body for wrk must hold no whitespace: " + post.body());
                    }
                    lines.append(String.join(" ", post.path(), post.bearer(), post.body()))
                            .append('\n');
                }
                Files.writeString(data, lines);
                Files.writeString(script, POSTS_LUA);
            }
            case Workload.Refreshes refreshes -> {
                Files.writeString(data, String.join("\n", refreshes.tokens().takeAll()) + "\n");
                Files.writeString(script, REFRESH_LUA.replace("LEFTOVERS", leftovers.toString()));
            }
            case Workload.Puts puts -> {
                if (puts.requests().size() < connections) {
                    throw new IllegalArgumentException(
                            "each of the " + connections + " connections needs a put of its own; there are "
                                    + puts.requests().size());
                }
                Files.writeString(
                        data,
                        puts.requests().stream()
                                .map(p -> String.join(" ", p.path(), p.bearer(), p.body(), p.alternateBody()))
                                .collect(Collectors.joining("\n", "", "\n")));
                Files.writeString(script, PUTS_LUA);
            }
            case Workload.ReadsAfterPuts ignored ->
                throw new IllegalArgumentException("wrk cannot chain a read to a put; use the Java load generator");
        }
        Process wrk = new ProcessBuilder(
                        "wrk",
                        "-t" + threads,
                        "-c" + connections,
                        "-d" + duration.toSeconds() + "s",
                        "--timeout",
                        "10s",
                        "--latency",
                        "-s",
                        script.toString(),
                        baseUrl + "/",
                        "--",
                        data.toString(),
                        Integer.toString(threads))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!wrk.waitFor(duration.toSeconds() + 30, TimeUnit.SECONDS)) {
            wrk.destroyForcibly();
            throw new IOException("wrk did not finish in time; see " + output);
        }
        String text = Files.readString(output);
        Matcher m = RESULT.matcher(text);
        if (wrk.exitValue() != 0 || !m.find()) {
            throw new IOException("wrk failed (exit " + wrk.exitValue() + "): " + text);
        }
        if (workload instanceof Workload.Refreshes refreshes) {
            refreshes.tokens().giveBack(Files.readAllLines(leftovers));
        }
        return new LoadResult(
                Long.parseLong(m.group(1)),
                Long.parseLong(m.group(2)) / 1e6,
                Long.parseLong(m.group(3)) / 1e3,
                Long.parseLong(m.group(4)) / 1e3,
                Long.parseLong(m.group(5)));
    }
}
