package dev.roster.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code admin} scenario ({@code ./roster bench admin}): how fast a platform admin lists the members of a large
 * tenant, searches users (by trigram, and filtered by department) and assigns roles, and how fast a member then reads
 * their own change ({@code GET /v1/me?min_version=}), next to the trivial endpoint of the same server. See
 * bench/README.md.
 *
 * <p>Steps ({@link BenchRun} does the shared ones): start Roster, generate the dataset (that of {@code me}, plus a
 * tenant of 10,000 members and a platform admin) unless its home already holds it, sign in the admin and a sample of
 * the large tenant's members, check that the admin API answers as this scenario expects, load each endpoint, stop
 * Roster, report the rows and the targets.
 */
public final class AdminBenchmark {

    /** Members of the large tenant: the point of the scenario, so as many with {@code --quick}. */
    private static final int LARGE_TENANT_MEMBERS = 10_000;

    private static final int PAGE_SIZE = 50;
    /** Filtered searches to cycle through: (term, department) pairs drawn with a fixed seed. */
    private static final int FILTERED_SEARCHES = 1_000;

    private static final long SEED = 20_261_123L;

    /** Connections for the reads' second run: a few admins at once, so latency is the request's, not a queue's. */
    private static final int FEW_ADMINS = 2;

    private static final String LISTING = "GET /v1/tenants/{id}/members?limit=50";
    private static final String SEARCH = "GET /v1/users?q (trigram search)";
    private static final String FILTERED_SEARCH = "GET /v1/users?q&department (filtered)";
    private static final String ASSIGN = "PUT /v1/tenants/{id}/members/{user} (assign)";
    private static final String READ_AFTER_ASSIGN = "GET /v1/me?min_version (after assign)";

    // The uri tags of Roster's server timer: the route templates.
    private static final String MEMBERS_URI = "/v1/tenants/{tenantId}/members";
    private static final String MEMBER_URI = "/v1/tenants/{tenantId}/members/{userId}";
    private static final String USERS_URI = "/v1/users";
    private static final String ME_URI = "/v1/me";

    private static final double LISTING_P99_MS = 5;
    private static final double SEARCH_P99_MS = 20;
    private static final double FILTERED_SEARCH_P99_MS = 5;
    private static final double ASSIGNS_PER_SECOND = 1_000;

    /** Assignments alternate between these two roles, so that each one changes the membership. */
    private static final String ROLE = "developer";

    private static final String OTHER_ROLE = "viewer";

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final BenchRun run;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private AdminBenchmark(BenchRun run) {
        this.run = run;
    }

    public static void main(String[] args) {
        BenchRun.execute(
                args,
                options -> BenchRun.Setup.plain("admin", options, Map.of()),
                run -> new AdminBenchmark(run).measure());
    }

    private Report measure() throws Exception {
        BenchOptions options = run.options();
        int largeTenantMembers = Math.min(LARGE_TENANT_MEMBERS, options.users());
        var size = new Dataset.Size(options.users(), options.tenants(), options.memberships(), largeTenantMembers);
        Dataset dataset = run.dataset(size);
        UUID tenant = dataset.largeTenantId();

        String admin = run.signIns().signIn(Dataset.PLATFORM_ADMIN_EMAIL).accessToken();
        List<Dataset.Member> members = dataset.sampleMembers(tenant, Math.min(options.sample(), largeTenantMembers));
        List<SignIns.Tokens> tokens =
                run.signIn(members.stream().map(Dataset.Member::email).toList());

        checkAdminApi(dataset, tenant, admin, largeTenantMembers, members.getFirst(), tokens.getFirst());
        List<Report.Row> rows = run.load(endpoints(dataset, tenant, admin, members, tokens));
        return run.report(size, tokens.size() + 1, rows, Map.of(), targets(rows));
    }

    /** The five measured endpoints, all as the platform admin but the read after an assignment, as the member. */
    private static List<BenchRun.Endpoint> endpoints(
            Dataset dataset, UUID tenant, String admin, List<Dataset.Member> members, List<SignIns.Tokens> tokens) {
        var random = new Random(SEED);
        var terms = new ArrayList<>(Dataset.searchTerms());
        Collections.shuffle(terms, random);
        List<Workload.Get> searches = terms.stream()
                .map(term -> new Workload.Get(usersPath(term, null), admin))
                .toList();
        var filteredSearches = new ArrayList<Workload.Get>();
        for (int i = 0; i < FILTERED_SEARCHES; i++) {
            String term = terms.get(random.nextInt(terms.size()));
            String department = Dataset.department(random.nextInt(Dataset.DEPARTMENTS));
            filteredSearches.add(new Workload.Get(usersPath(term, department), admin));
        }
        var readerTokens = new HashMap<UUID, String>();
        for (int i = 0; i < members.size(); i++) {
            readerTokens.put(members.get(i).id(), tokens.get(i).accessToken());
        }
        var listing = new Workload.Get(membersPath(tenant) + "?limit=" + PAGE_SIZE, admin);
        var listingEndpoint = new BenchRun.Endpoint(LISTING, MEMBERS_URI, new Workload.Gets(List.of(listing)));
        var searchEndpoint = new BenchRun.Endpoint(SEARCH, USERS_URI, new Workload.Gets(searches));
        var filteredEndpoint = new BenchRun.Endpoint(FILTERED_SEARCH, USERS_URI, new Workload.Gets(filteredSearches));
        return List.of(
                // The reads twice: saturated (throughput, and latency under a queue) and as a few admins at once.
                listingEndpoint,
                listingEndpoint.over(FEW_ADMINS),
                searchEndpoint,
                searchEndpoint.over(FEW_ADMINS),
                filteredEndpoint,
                filteredEndpoint.over(FEW_ADMINS),
                // Built before each run from the roles as they are then, so that every assignment changes one.
                new BenchRun.Endpoint(ASSIGN, MEMBER_URI, () -> new Workload.Puts(assignments(dataset, tenant, admin))),
                new BenchRun.Endpoint(
                        READ_AFTER_ASSIGN,
                        ME_URI,
                        () -> new Workload.ReadsAfterPuts(readsAfterAssignment(dataset, tenant, admin, readerTokens))));
    }

    /** An assignment for every member of {@code tenant}, by the admin. */
    private static List<Workload.Put> assignments(Dataset dataset, UUID tenant, String admin) throws SQLException {
        var puts = new ArrayList<Workload.Put>();
        dataset.rolesIn(tenant).forEach((user, role) -> puts.add(assignment(tenant, user, role, admin)));
        return puts;
    }

    /** For each signed-in member: an assignment by the admin, then the member's own GET /v1/me at its version. */
    private static List<Workload.ReadAfterPut> readsAfterAssignment(
            Dataset dataset, UUID tenant, String admin, Map<UUID, String> readerTokens) throws SQLException {
        Map<UUID, String> roles = dataset.rolesIn(tenant);
        var steps = new ArrayList<Workload.ReadAfterPut>();
        readerTokens.forEach((user, token) -> steps.add(new Workload.ReadAfterPut(
                assignment(tenant, user, roles.get(user), admin), "/v1/me?min_version=", token)));
        return steps;
    }

    /** Gives {@code user} the role of the two they do not hold now, then back, and so on (see Workload.Puts). */
    private static Workload.Put assignment(UUID tenant, UUID user, @Nullable String currentRole, String admin) {
        String first = ROLE.equals(currentRole) ? OTHER_ROLE : ROLE;
        String second = first.equals(ROLE) ? OTHER_ROLE : ROLE;
        return new Workload.Put(memberPath(tenant, user), admin, roleBody(first), roleBody(second));
    }

    /**
     * One request of each kind the admin sends, before any load: a Roster without the admin API (or with another
     * contract) fails here within seconds, with what it answered, instead of after minutes of errors.
     */
    private void checkAdminApi(
            Dataset dataset, UUID tenant, String admin, int members, Dataset.Member member, SignIns.Tokens memberTokens)
            throws Exception {
        HttpResponse<String> listing = send(get(membersPath(tenant) + "?limit=" + PAGE_SIZE, admin));
        expect(listing, "GET " + MEMBERS_URI, 200);
        JsonNode page = JSON.readTree(listing.body());
        if (!page.path("items").isArray()
                || !page.has("next_cursor")
                || !page.path("total").isNumber()) {
            throw new IllegalStateException(
                    "GET " + MEMBERS_URI + " answered no items, next_cursor and total: " + abbreviated(listing.body()));
        }
        long total = page.path("total").asLong();
        BenchRun.step(
                "admin API: the large tenant lists %d members on its first page, %,d in all%s",
                page.path("items").size(),
                total,
                total == members ? "" : String.format(Locale.ROOT, " (the dataset has %,d)", members));

        expect(send(get(usersPath(Dataset.searchTerms().getFirst(), null), admin)), "GET " + USERS_URI, 200);

        Workload.Put put =
                assignment(tenant, member.id(), dataset.rolesIn(tenant).get(member.id()), admin);
        HttpResponse<String> assigned = send(HttpRequest.newBuilder(URI.create(run.baseUrl() + put.path()))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(put.body()))
                .build());
        expect(assigned, "PUT " + MEMBER_URI, 200, 201);
        OptionalLong version = JavaLoad.version(assigned);
        if (version.isEmpty()) {
            throw new IllegalStateException("PUT " + MEMBER_URI + " answered no version (Roster-Version header or"
                    + " \"version\" in the body): " + abbreviated(assigned.body()));
        }
        expect(
                send(get("/v1/me?min_version=" + version.getAsLong(), memberTokens.accessToken())),
                "GET " + ME_URI + "?min_version=" + version.getAsLong() + " (as the member, after the assignment)",
                200);
        BenchRun.step("admin API: an assignment answered version %d, and the member read it", version.getAsLong());
    }

    private static List<Report.Target> targets(List<Report.Row> rows) {
        Map<String, Report.Row> byEndpoint =
                rows.stream().collect(Collectors.toMap(Report.Row::endpoint, Function.identity()));
        String few = " @" + FEW_ADMINS + " conn";
        return List.of(
                Report.Target.serverP99AtMost(byEndpoint.get(LISTING + few), LISTING_P99_MS),
                Report.Target.serverP99AtMost(byEndpoint.get(LISTING), LISTING_P99_MS),
                Report.Target.serverP99AtMost(byEndpoint.get(SEARCH + few), SEARCH_P99_MS),
                Report.Target.serverP99AtMost(byEndpoint.get(SEARCH), SEARCH_P99_MS),
                Report.Target.serverP99AtMost(byEndpoint.get(FILTERED_SEARCH + few), FILTERED_SEARCH_P99_MS),
                Report.Target.serverP99AtMost(byEndpoint.get(FILTERED_SEARCH), FILTERED_SEARCH_P99_MS),
                Report.Target.successfulRpsAtLeast(byEndpoint.get(ASSIGN), ASSIGNS_PER_SECOND));
    }

    private static String membersPath(UUID tenant) {
        return "/v1/tenants/" + tenant + "/members";
    }

    private static String memberPath(UUID tenant, UUID user) {
        return membersPath(tenant) + "/" + user;
    }

    private static String usersPath(String term, @Nullable String department) {
        return "/v1/users?q=" + encoded(term) + (department == null ? "" : "&department=" + encoded(department))
                + "&limit=" + PAGE_SIZE;
    }

    private static String roleBody(String role) {
        return "{\"role\":\"" + role + "\"}";
    }

    private static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HttpRequest get(String path, String bearer) {
        return HttpRequest.newBuilder(URI.create(run.baseUrl() + path))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + bearer)
                .GET()
                .build();
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> response, String what, int... statuses) {
        for (int status : statuses) {
            if (response.statusCode() == status) {
                return;
            }
        }
        throw new IllegalStateException(what + " answered " + response.statusCode() + ": "
                + abbreviated(response.body())
                + "\nDoes this Roster have the admin API? The admin scenario needs it (see bench/README.md).");
    }

    private static String abbreviated(String body) {
        return body.length() <= 300 ? body : body.substring(0, 300) + "...";
    }
}
