package dev.roster.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.authz.Allow;
import dev.roster.authz.Caller;
import dev.roster.support.Http;
import dev.roster.support.IntegrationTest;
import dev.roster.users.UserManagement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Who may do what, proven as a whole: every admin route × every kind of caller × {their own tenant, another tenant},
 * one test per cell, each from an empty database. The expected answer of a cell follows from the route's rule
 * (docs/api.md has the same matrix as a table); the routes' own controllers are never consulted.
 */
class PermissionMatrixTests extends IntegrationTest {

    /**
     * Who asks. "Own" is tenant A, where everyone from tenant admin to viewer holds their role; the platform admin has
     * no role in A or B; the member of another tenant is tenant admin of C; the deactivated user was tenant admin
     * of A.
     */
    enum Who {
        PLATFORM_ADMIN,
        TENANT_ADMIN,
        OPERATOR,
        DEVELOPER,
        VIEWER,
        MEMBER_OF_ANOTHER_TENANT,
        DEACTIVATED_USER,
        NO_TOKEN
    }

    enum Scope {
        OWN_TENANT,
        OTHER_TENANT
    }

    /** How a route decides (see dev.roster.authz.Rule). */
    enum Kind {
        SIGNED_IN,
        TENANT_MEMBER,
        TENANT_ADMIN,
        PLATFORM_ADMIN_IN_TENANT,
        PLATFORM_ADMIN,
        ANY_TENANT_ADMIN,
        ANY_TENANT_ADMIN_ON_USER
    }

    record Route(String method, String path, @Nullable String body, Kind kind, int success) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static final List<Route> ROUTES = List.of(
            new Route("GET", "/v1/tenants/{T}", null, Kind.TENANT_MEMBER, 200),
            new Route("PATCH", "/v1/tenants/{T}", "{\"name\":\"Renamed\"}", Kind.TENANT_ADMIN, 200),
            new Route("DELETE", "/v1/tenants/{T}", null, Kind.PLATFORM_ADMIN_IN_TENANT, 200),
            new Route("GET", "/v1/tenants/{T}/members", null, Kind.TENANT_MEMBER, 200),
            new Route("PUT", "/v1/tenants/{T}/members/{U}", "{\"role\":\"viewer\"}", Kind.TENANT_ADMIN, 200),
            new Route("DELETE", "/v1/tenants/{T}/members/{U}", null, Kind.TENANT_ADMIN, 200),
            new Route("GET", "/v1/tenants/{T}/roles", null, Kind.TENANT_MEMBER, 200),
            new Route(
                    "POST",
                    "/v1/tenants/{T}/roles",
                    "{\"slug\":\"auditor\",\"name\":\"Auditor\",\"priority\":50}",
                    Kind.TENANT_ADMIN,
                    201),
            new Route("GET", "/v1/tenants/{T}/roles/{R}", null, Kind.TENANT_MEMBER, 200),
            new Route("PATCH", "/v1/tenants/{T}/roles/{R}", "{\"name\":\"Renamed\"}", Kind.TENANT_ADMIN, 200),
            new Route("DELETE", "/v1/tenants/{T}/roles/{R}", null, Kind.TENANT_ADMIN, 200),
            new Route("POST", "/v1/tenants", "{\"slug\":\"brand-new\",\"name\":\"New\"}", Kind.PLATFORM_ADMIN, 201),
            new Route("GET", "/v1/tenants", null, Kind.SIGNED_IN, 200),
            new Route("GET", "/v1/roles", null, Kind.SIGNED_IN, 200),
            new Route("GET", "/v1/me", null, Kind.SIGNED_IN, 200),
            new Route("GET", "/v1/users", null, Kind.ANY_TENANT_ADMIN, 200),
            new Route("GET", "/v1/users/stats?by=role", null, Kind.ANY_TENANT_ADMIN, 200),
            new Route("GET", "/v1/audit", null, Kind.ANY_TENANT_ADMIN, 200),
            new Route("GET", "/v1/users/{U}", null, Kind.ANY_TENANT_ADMIN_ON_USER, 200),
            new Route("POST", "/v1/users/{U}:deactivate", null, Kind.PLATFORM_ADMIN, 200),
            new Route("POST", "/v1/users/{U}:reactivate", null, Kind.PLATFORM_ADMIN, 200),
            // No directory in these tests: a platform admin gets as far as "nothing to pull from".
            new Route(
                    "POST",
                    "/v1/users/sync",
                    "{\"user_ids\":[\"00000000-0000-0000-0000-0000000000aa\"]}",
                    Kind.PLATFORM_ADMIN,
                    409),
            new Route("DELETE", "/v1/users/{U}/cache", null, Kind.PLATFORM_ADMIN, 204),
            new Route("GET", "/v1/sync/status", null, Kind.PLATFORM_ADMIN, 200),
            new Route("GET", "/v1/tenants/{T}/grants", null, Kind.TENANT_ADMIN, 200),
            new Route(
                    "POST",
                    "/v1/tenants/{T}/grants",
                    "{\"principal\":\"user:{U}\",\"permission\":\"docs:write\",\"selector\":\"*\"}",
                    Kind.TENANT_ADMIN,
                    201),
            new Route("DELETE", "/v1/tenants/{T}/grants/{G}", null, Kind.TENANT_ADMIN, 200),
            new Route("POST", "/v1/tenants/{T}/rbac:enable", null, Kind.PLATFORM_ADMIN_IN_TENANT, 200),
            new Route("POST", "/v1/tenants/{T}/rbac:disable", null, Kind.PLATFORM_ADMIN_IN_TENANT, 200),
            // Asking about oneself: anyone signed in, member of the tenant or not.
            new Route(
                    "POST",
                    "/v1/authz/check",
                    "{\"tenant_id\":\"{T}\",\"permission\":\"docs:read\",\"resource\":\"x\"}",
                    Kind.SIGNED_IN,
                    200),
            new Route(
                    "POST",
                    "/v1/authz/check:batch",
                    "{\"checks\":[{\"tenant_id\":\"{T}\",\"permission\":\"docs:read\"}]}",
                    Kind.SIGNED_IN,
                    200),
            new Route("GET", "/v1/authz/permissions?tenant_id={T}", null, Kind.SIGNED_IN, 200),
            new Route("POST", "/v1/service-accounts", "{\"name\":\"backend\"}", Kind.PLATFORM_ADMIN, 201),
            new Route("GET", "/v1/service-accounts", null, Kind.PLATFORM_ADMIN, 200),
            new Route("GET", "/v1/service-accounts/{S}", null, Kind.PLATFORM_ADMIN, 200),
            new Route("POST", "/v1/service-accounts/{S}/secret:rotate", null, Kind.PLATFORM_ADMIN, 200),
            new Route("DELETE", "/v1/service-accounts/{S}", null, Kind.PLATFORM_ADMIN, 200),
            new Route(
                    "POST",
                    "/v1/webhook-subscriptions",
                    "{\"url\":\"https://8.8.8.8/hook\",\"event_types\":[\"none.such\"]}",
                    Kind.PLATFORM_ADMIN,
                    201),
            new Route("GET", "/v1/webhook-subscriptions", null, Kind.PLATFORM_ADMIN, 200),
            new Route("GET", "/v1/webhook-subscriptions/{W}", null, Kind.PLATFORM_ADMIN, 200),
            new Route("PATCH", "/v1/webhook-subscriptions/{W}", "{\"enabled\":false}", Kind.PLATFORM_ADMIN, 200),
            new Route("DELETE", "/v1/webhook-subscriptions/{W}", null, Kind.PLATFORM_ADMIN, 200),
            new Route("POST", "/v1/webhook-subscriptions/{W}/secret:rotate", null, Kind.PLATFORM_ADMIN, 200),
            new Route("POST", "/v1/webhook-subscriptions/{W}:test", null, Kind.PLATFORM_ADMIN, 202),
            new Route(
                    "POST",
                    "/v1/scim-clients",
                    "{\"name\":\"Entra\",\"tenant_ids\":[\"{T}\"]}",
                    Kind.PLATFORM_ADMIN,
                    201),
            new Route("GET", "/v1/scim-clients", null, Kind.PLATFORM_ADMIN, 200),
            new Route("GET", "/v1/scim-clients/{C}", null, Kind.PLATFORM_ADMIN, 200),
            new Route("POST", "/v1/scim-clients/{C}/token:rotate", null, Kind.PLATFORM_ADMIN, 200),
            new Route("DELETE", "/v1/scim-clients/{C}", null, Kind.PLATFORM_ADMIN, 200),
            new Route("GET", "/v1/outbox", null, Kind.PLATFORM_ADMIN, 200),
            new Route("POST", "/v1/outbox/{E}:replay", null, Kind.PLATFORM_ADMIN, 200),
            new Route("POST", "/v1/outbox:replay-dead", null, Kind.PLATFORM_ADMIN, 200),
            new Route("POST", "/v1/webhook-sources", "{\"name\":\"directory\"}", Kind.PLATFORM_ADMIN, 201),
            new Route("GET", "/v1/webhook-sources", null, Kind.PLATFORM_ADMIN, 200),
            new Route("GET", "/v1/webhook-sources/{N}", null, Kind.PLATFORM_ADMIN, 200),
            new Route("GET", "/v1/webhook-sources/{N}/events", null, Kind.PLATFORM_ADMIN, 200),
            new Route("POST", "/v1/webhook-sources/{N}/secret:rotate", null, Kind.PLATFORM_ADMIN, 200),
            new Route("DELETE", "/v1/webhook-sources/{N}", null, Kind.PLATFORM_ADMIN, 200),
            new Route("POST", "/v1/webhook-sources/{N}/events/{I}:replay", null, Kind.PLATFORM_ADMIN, 200));

    static Stream<Arguments> cells() {
        var cells = new ArrayList<Arguments>();
        for (Route route : ROUTES) {
            for (Who who : Who.values()) {
                for (Scope scope : Scope.values()) {
                    cells.add(Arguments.of(route, who, scope));
                }
            }
        }
        return cells.stream();
    }

    /** The answer the permission model requires: a status and, for refusals, the problem code. */
    record Expected(int status, @Nullable String code) {}

    static Expected expected(Route route, Who who, Scope scope) {
        if (who == Who.NO_TOKEN) {
            return new Expected(401, "token_missing");
        }
        if (who == Who.DEACTIVATED_USER) {
            return new Expected(401, "session_ended");
        }
        boolean platformAdmin = who == Who.PLATFORM_ADMIN;
        boolean inTenant =
                scope == Scope.OWN_TENANT && who != Who.PLATFORM_ADMIN && who != Who.MEMBER_OF_ANOTHER_TENANT;
        boolean adminHere = inTenant && who == Who.TENANT_ADMIN;
        // The member of another tenant administers that tenant (C): the strongest outsider there is.
        boolean adminSomewhere = who == Who.TENANT_ADMIN || who == Who.MEMBER_OF_ANOTHER_TENANT;
        var ok = new Expected(route.success(), null);
        var forbidden = new Expected(403, "role_required");
        var noTenant = new Expected(404, "tenant_not_found");
        return switch (route.kind()) {
            case SIGNED_IN -> ok;
            case TENANT_MEMBER -> platformAdmin || inTenant ? ok : noTenant;
            case TENANT_ADMIN -> platformAdmin || adminHere ? ok : inTenant ? forbidden : noTenant;
            case PLATFORM_ADMIN_IN_TENANT -> platformAdmin ? ok : inTenant ? forbidden : noTenant;
            case PLATFORM_ADMIN -> platformAdmin ? ok : forbidden;
            case ANY_TENANT_ADMIN -> platformAdmin || adminSomewhere ? ok : forbidden;
            case ANY_TENANT_ADMIN_ON_USER ->
                platformAdmin || adminHere ? ok : adminSomewhere ? new Expected(404, "user_not_found") : forbidden;
        };
    }

    @Autowired
    UserManagement userManagement;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void everyV1RouteHasAnAccessRuleAndEveryAdminRouteIsInTheMatrix() {
        var inMatrix = ROUTES.stream()
                .map(r -> r.method() + " " + r.path().replaceAll("\\?.*", ""))
                .collect(Collectors.toSet());
        var adminRoutes = new java.util.TreeSet<String>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            for (String pattern : info.getPatternValues()) {
                if (!pattern.startsWith("/v1/")) {
                    continue;
                }
                assertThat(method.getMethodAnnotation(Allow.class))
                        .as("@Allow on %s", method)
                        .isNotNull();
                if (pattern.startsWith("/v1/auth/") || pattern.startsWith("/v1/me/")) {
                    continue;
                }
                if (pattern.equals("/v1/webhook-sources/{name}/events")
                        && info.getMethodsCondition().getMethods().contains(RequestMethod.POST)) {
                    continue; // a source's events: signed, not signed in (InboundWebhookTests)
                }
                for (var verb : info.getMethodsCondition().getMethods()) {
                    adminRoutes.add(verb.name() + " "
                            + pattern.replace("{tenantId}", "{T}")
                                    .replace("{userId}", "{U}")
                                    .replace("{roleId}", "{R}")
                                    .replace("{grantId}", "{G}")
                                    .replace("{serviceAccountId}", "{S}")
                                    .replace("{subscriptionId}", "{W}")
                                    .replace("{scimClientId}", "{C}")
                                    .replace("{eventId}", "{E}")
                                    .replace("{name}", "{N}")
                                    .replace("{inboundEventId}", "{I}"));
                }
            }
        });
        assertThat(inMatrix).containsExactlyInAnyOrderElementsOf(adminRoutes);
    }

    static final String DEVELOPER = "00000000-0000-0000-0000-000000000104";

    @ParameterizedTest(name = "{0} as {1} on {2}")
    @MethodSource("cells")
    void theRouteAnswersWhatTheRuleSays(Route route, Who who, Scope scope) {
        String tenantA = insertTenant("tenant-a");
        String tenantB = insertTenant("tenant-b");
        String tenantC = insertTenant("tenant-c");
        String tenant = scope == Scope.OWN_TENANT ? tenantA : tenantB;
        String target = insertUser("target@example.com");
        insertMembership(target, tenant, DEVELOPER);
        String role = insertCustomRole(tenant);
        String grant = insertGrant(tenant, target);
        String serviceAccount = insertServiceAccount();
        String subscription = insertWebhookSubscription();
        String deadEvent = insertDeadOutboxEvent();
        String scimClient = insertScimClient(tenant);
        jdbc.sql("INSERT INTO webhook_sources (name) VALUES ('source-a')").update();
        String refusedEvent = jdbc.sql("""
                        INSERT INTO inbound_events (source, event_id, event_type, occurred_at, subject, payload, outcome)
                        VALUES ('source-a', 'e-1', 'membership.created', now(), 'user:u', '{}', 'refused')
                        RETURNING id::text
                        """).query(String.class).single();
        String token = callerToken(who, tenantA, tenantC);

        String path = route.path()
                .replace("{T}", tenant)
                .replace("{U}", target)
                .replace("{R}", role)
                .replace("{G}", grant)
                .replace("{S}", serviceAccount)
                .replace("{W}", subscription)
                .replace("{E}", deadEvent)
                .replace("{C}", scimClient)
                .replace("{N}", "source-a")
                .replace("{I}", refusedEvent);
        String body = route.body() == null
                ? null
                : route.body().replace("{T}", tenant).replace("{U}", target);
        Http.Response response = http.call(route.method(), path, token, body);

        Expected expected = expected(route, who, scope);
        assertThat(response.status())
                .as("%s as %s on %s: %s", route, who, scope, response.body())
                .isEqualTo(expected.status());
        if (expected.code() != null) {
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().path("code").asString()).isEqualTo(expected.code());
        }
    }

    private @Nullable String callerToken(Who who, String tenantA, String tenantC) {
        return switch (who) {
            case NO_TOKEN -> null;
            case PLATFORM_ADMIN -> signInAsPlatformAdmin();
            case TENANT_ADMIN -> memberToken("tenant_admin", tenantA);
            case OPERATOR -> memberToken("operator", tenantA);
            case DEVELOPER -> memberToken("developer", tenantA);
            case VIEWER -> memberToken("viewer", tenantA);
            case MEMBER_OF_ANOTHER_TENANT -> memberToken("tenant_admin", tenantC);
            case DEACTIVATED_USER -> {
                String token = memberToken("tenant_admin", tenantA);
                UUID id = UUID.fromString(userId("caller@example.com"));
                userManagement.deactivate(new Caller(UUID.randomUUID(), true, null, false, false), id);
                yield token;
            }
        };
    }

    /** A caller holding {@code role} in {@code tenant}: signed in through the upstream, role given by SQL. */
    private String memberToken(String role, String tenant) {
        String token = accessToken("caller", "caller@example.com", Map.of());
        jdbc.sql("INSERT INTO memberships (user_id, tenant_id, role_id, source)"
                        + " SELECT u.id, CAST(:t AS uuid), r.id, 'local' FROM users u, roles r"
                        + " WHERE u.email = 'caller@example.com' AND r.slug = :role AND r.tenant_id IS NULL")
                .param("t", tenant)
                .param("role", role)
                .update();
        return token;
    }

    private String insertTenant(String slug) {
        return jdbc.sql(
                        "INSERT INTO tenants (id, slug, name) VALUES (gen_random_uuid(), :slug, :slug) RETURNING id::text")
                .param("slug", slug)
                .query(String.class)
                .single();
    }

    private String insertUser(String email) {
        return jdbc.sql(
                        "INSERT INTO users (id, provider, external_id, email) VALUES (gen_random_uuid(), 'test', :e, :e)"
                                + " RETURNING id::text")
                .param("e", email)
                .query(String.class)
                .single();
    }

    private void insertMembership(String user, String tenant, String role) {
        jdbc.sql("INSERT INTO memberships (user_id, tenant_id, role_id) VALUES (CAST(:u AS uuid), CAST(:t AS uuid),"
                        + " CAST(:r AS uuid))")
                .param("u", user)
                .param("t", tenant)
                .param("r", role)
                .update();
    }

    private String insertGrant(String tenant, String user) {
        return jdbc.sql("INSERT INTO grants (id, tenant_id, principal_urn, permission)"
                        + " VALUES (gen_random_uuid(), CAST(:t AS uuid), :p, 'docs:read') RETURNING id::text")
                .param("t", tenant)
                .param("p", "user:" + user)
                .query(String.class)
                .single();
    }

    private String insertServiceAccount() {
        String id = jdbc.sql("INSERT INTO users (id, provider, external_id, email) VALUES (gen_random_uuid(),"
                        + " 'roster:service-account', 'sa_matrix', 'sa_matrix@service-accounts.roster.invalid')"
                        + " RETURNING id::text")
                .query(String.class)
                .single();
        jdbc.sql("INSERT INTO service_accounts (user_id, client_id, name) VALUES (CAST(:id AS uuid), 'sa_matrix', 'M')")
                .param("id", id)
                .update();
        return id;
    }

    private String insertWebhookSubscription() {
        return jdbc.sql(
                        "INSERT INTO webhook_subscriptions (id, url, enabled) VALUES (gen_random_uuid(), 'https://8.8.8.8/x', false)"
                                + " RETURNING id::text")
                .query(String.class)
                .single();
    }

    private String insertDeadOutboxEvent() {
        return jdbc.sql("""
                        INSERT INTO outbox (event_id, target, aggregate_type, aggregate_id, sequence, event_type, payload,
                                            origin, created_at, next_attempt_at, attempts, dead_at, last_error)
                        VALUES (gen_random_uuid(), 'nowhere', 'user', 'u', 1, 'matrix.test', '{}', 'local', now(), now(),
                                8, now(), 'HTTP 500')
                        RETURNING id::text
                        """).query(String.class).single();
    }

    private String insertScimClient(String tenant) {
        String id = jdbc.sql("INSERT INTO scim_clients (id, name) VALUES (gen_random_uuid(), 'M') RETURNING id::text")
                .query(String.class)
                .single();
        jdbc.sql("INSERT INTO scim_client_tenants (client_id, tenant_id) VALUES (CAST(:c AS uuid), CAST(:t AS uuid))")
                .param("c", id)
                .param("t", tenant)
                .update();
        return id;
    }

    private String insertCustomRole(String tenant) {
        return jdbc.sql("INSERT INTO roles (id, tenant_id, slug, name, priority)"
                        + " VALUES (gen_random_uuid(), CAST(:t AS uuid), 'custom', 'Custom', 10) RETURNING id::text")
                .param("t", tenant)
                .query(String.class)
                .single();
    }
}
