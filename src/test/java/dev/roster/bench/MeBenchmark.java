package dev.roster.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The {@code me} scenario ({@code ./roster bench me}): how fast Roster answers a signed-in user about themselves
 * ({@code GET /v1/me}, {@code GET /v1/me/role}) and refreshes their tokens, next to a trivial endpoint of the same
 * server as the ceiling, on a dataset of realistic size. See bench/README.md.
 *
 * <p>Steps ({@link BenchRun} does the shared ones): start Roster (child process), generate the dataset unless its
 * home already holds it, sign in a sample of users, measure the access token of a user with 1 and with 1,000
 * memberships, load each endpoint after a warm-up, reading the server's own latency histogram around each run, stop
 * Roster, report.
 */
public final class MeBenchmark {

    private MeBenchmark() {}

    public static void main(String[] args) {
        BenchRun.execute("me", args, MeBenchmark::measure);
    }

    private static Report measure(BenchRun run) throws Exception {
        BenchOptions options = run.options();
        var size = new Dataset.Size(options.users(), options.tenants(), options.memberships());
        Dataset dataset = run.dataset(size);

        List<Dataset.SampledUser> sample = dataset.sample(options.sample());
        List<SignIns.Tokens> tokens =
                run.signIn(sample.stream().map(Dataset.SampledUser::email).toList());

        var tokenPayloadBytes = new LinkedHashMap<String, Integer>();
        tokenPayloadBytes.put(
                "1", run.signIns().signIn(Dataset.ONE_MEMBERSHIP_EMAIL).payloadBytes());
        tokenPayloadBytes.put(
                Integer.toString(Math.min(Dataset.MANY_MEMBERSHIPS, size.tenants())),
                run.signIns().signIn(Dataset.MANY_MEMBERSHIPS_EMAIL).payloadBytes());

        List<Report.Row> rows = run.load(endpoints(sample, tokens));
        return run.report(size, tokens.size(), rows, tokenPayloadBytes, List.of());
    }

    /** The three measured endpoints, with the sampled users' tokens. */
    private static List<BenchRun.Endpoint> endpoints(List<Dataset.SampledUser> sample, List<SignIns.Tokens> tokens) {
        var me = new ArrayList<Workload.Get>();
        var role = new ArrayList<Workload.Get>();
        for (int i = 0; i < sample.size(); i++) {
            String accessToken = tokens.get(i).accessToken();
            me.add(new Workload.Get("/v1/me", accessToken));
            role.add(new Workload.Get("/v1/me/role?tenant_id=" + sample.get(i).tenantId(), accessToken));
        }
        var refreshTokens = new Workload.RefreshTokens(
                tokens.stream().map(SignIns.Tokens::refreshToken).toList());
        return List.of(
                new BenchRun.Endpoint("GET /v1/me", "/v1/me", new Workload.Gets(me)),
                new BenchRun.Endpoint("GET /v1/me/role", "/v1/me/role", new Workload.Gets(role)),
                new BenchRun.Endpoint(
                        "POST /v1/auth/token (refresh)", "/v1/auth/token", new Workload.Refreshes(refreshTokens)));
    }
}
