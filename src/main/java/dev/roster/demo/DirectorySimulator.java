package dev.roster.demo;

import dev.roster.demo.DirectoryFaults.Faults;
import dev.roster.demo.DirectoryStats.Requests;
import dev.roster.demo.DirectoryUser.Grant;
import dev.roster.demo.DirectoryUsers.Generation;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.JsonBody;
import dev.roster.platform.RosterException;
import dev.roster.platform.Text;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The directory simulator's knobs, for people trying Roster out and for benchmarks (loopback clients only, no
 * credentials): the faults of the directory API, roles changed upstream, a generated population, and request
 * counters. docs/demo-upstream.md describes them.
 */
@RestController
@RequestMapping("/demo/directory")
@Conditional(DemoUpstreamCondition.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class DirectorySimulator {

    static final int GENERATE_BATCH = 10_000;
    static final int MAX_GENERATED = 1_000_000;
    static final int MAX_GRANTS = 1_000;

    private static final Pattern PREFIX = Pattern.compile("[a-z0-9][a-z0-9._+-]{0,39}");
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,188}[a-z0-9])?");
    private static final Set<String> GRANT_FIELDS = Set.of("role", "tenant");

    private final DirectoryUsers users;
    private final DirectoryFaults faults;
    private final DirectoryStats stats;

    DirectorySimulator(DirectoryUsers users, DirectoryFaults faults, DirectoryStats stats) {
        this.users = users;
        this.faults = faults;
        this.stats = stats;
    }

    @GetMapping("/faults")
    Faults faults(HttpServletRequest request) {
        Loopback.require(request);
        return faults.current();
    }

    /**
     * Replaces the faults: {@code {"latency_ms": 250, "error_rate": 0.1, "outage": false}}; a field left out is
     * 0 (none). Answers the faults now in force.
     */
    @PutMapping(path = "/faults", consumes = MediaType.APPLICATION_JSON_VALUE)
    Faults setFaults(@RequestBody byte[] body, HttpServletRequest request) {
        Loopback.require(request);
        JsonBody fields = JsonBody.parse(body, "latency_ms", "error_rate", "outage");
        var set = new Faults(
                Objects.requireNonNullElse(fields.integer("latency_ms", 0, DirectoryFaults.MAX_LATENCY_MS, false), 0),
                Objects.requireNonNullElse(fields.number("error_rate", 0.0, 1.0, false), 0.0),
                Objects.requireNonNullElse(fields.bool("outage", false), false));
        faults.set(set);
        return set;
    }

    /**
     * Changes a user's roles upstream: {@code [{"role": "developer", "tenant": "acme"}]} (the tenant's name is the
     * demo tenant's, else its key). Roster sees it at its next fetch or sign-in.
     */
    @PutMapping(path = "/users/{email}/roles", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Void> setRoles(@PathVariable String email, @RequestBody byte[] body, HttpServletRequest request) {
        Loopback.require(request);
        List<Grant> roles = grants(JsonBody.tree(body));
        String normalized = email.toLowerCase(Locale.ROOT);
        if (!users.replaceRoles(normalized, roles)) {
            throw new RosterException(
                    ErrorCode.DEMO_USER_NOT_FOUND, "The demo directory has no " + Text.printable(email) + ".");
        }
        return ResponseEntity.noContent().build();
    }

    record Generated(int created, long users) {}

    /**
     * Adds a generated population: {@code {"count": 100000, "prefix": "user", "domain": "bench.example",
     * "roles_per_user": 1, "tenants": 100}}: users {@code <prefix><i>@<domain>} for i in 1..count, each its own id
     * (the subject of an open-directory sign-in). Users that exist already are left as they are. Answers how many
     * were created and how many the directory now holds.
     */
    @PostMapping(path = "/users:generate", consumes = MediaType.APPLICATION_JSON_VALUE)
    Generated generate(@RequestBody byte[] body, HttpServletRequest request) {
        Loopback.require(request);
        JsonBody fields = JsonBody.parse(body, "count", "prefix", "domain", "roles_per_user", "tenants");
        int count = Objects.requireNonNull(fields.integer("count", 1, MAX_GENERATED, true));
        String prefix = Objects.requireNonNullElse(fields.text("prefix", 40, false), "user");
        String domain = Objects.requireNonNullElse(fields.text("domain", 190, false), "bench.example");
        int tenants = Objects.requireNonNullElse(fields.integer("tenants", 1, 100_000, false), 100);
        int rolesPerUser = Objects.requireNonNullElse(fields.integer("roles_per_user", 0, 10, false), 1);
        if (!PREFIX.matcher(prefix).matches()) {
            throw JsonBody.invalid("prefix", "must be lower-case letters, digits and . _ + - (at most 40).");
        }
        if (!DOMAIN.matcher(domain).matches()) {
            throw JsonBody.invalid("domain", "must be a lower-case domain name.");
        }
        if (rolesPerUser > tenants) {
            throw JsonBody.invalid("roles_per_user", "may be at most 'tenants' (one role per tenant).");
        }
        var generation = new Generation(count, prefix, domain, rolesPerUser, tenants);
        int created = 0;
        for (int from = 1; from <= count; from += GENERATE_BATCH) {
            created += users.generate(generation, from, Math.min(count, from + GENERATE_BATCH - 1));
        }
        if (created > 0) {
            users.tidyAfterBulkInsert();
        }
        return new Generated(created, users.count());
    }

    record Stats(long users, Requests requests) {}

    @GetMapping("/stats")
    Stats stats(HttpServletRequest request) {
        Loopback.require(request);
        return new Stats(users.count(), stats.requests());
    }

    /** Resets the request counters (not the users). */
    @DeleteMapping("/stats")
    ResponseEntity<Void> resetStats(HttpServletRequest request) {
        Loopback.require(request);
        stats.reset();
        return ResponseEntity.noContent().build();
    }

    private static List<Grant> grants(JsonNode body) {
        if (!(body instanceof ArrayNode array)) {
            throw ErrorCode.MALFORMED_BODY.problem(
                    "The body must be a JSON array of roles: [{\"role\": \"developer\", \"tenant\": \"acme\"}].");
        }
        if (array.size() > MAX_GRANTS) {
            throw ErrorCode.INVALID_FIELD.problem("At most " + MAX_GRANTS + " roles.");
        }
        var grants = new ArrayList<Grant>(array.size());
        for (int i = 0; i < array.size(); i++) {
            String at = "[" + i + "]";
            if (!(array.get(i) instanceof ObjectNode grant)) {
                throw JsonBody.invalid(at, "must be an object with 'role' and 'tenant'.");
            }
            for (String name : grant.propertyNames()) {
                if (!GRANT_FIELDS.contains(name)) {
                    throw JsonBody.invalid(at, "has an unknown field '" + Text.printable(name) + "'.");
                }
            }
            String role = text(grant, at + ".role");
            String tenant = text(grant, at + ".tenant");
            grants.add(new Grant(role, DemoDirectory.tenant(tenant)));
        }
        return grants;
    }

    private static String text(ObjectNode grant, String path) {
        JsonNode value = grant.get(path.substring(path.lastIndexOf('.') + 1));
        if (value == null || !value.isString()) {
            throw JsonBody.invalid(path, "must be a string.");
        }
        return Text.check(path, value.asString(), 200);
    }
}
