package dev.roster.connectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.roster.connectors.UpstreamBudget.Priority;
import dev.roster.connectors.UpstreamCallFailed.Kind;
import dev.roster.connectors.UpstreamDirectory.Lookup;
import dev.roster.connectors.UpstreamUser.Organization;
import dev.roster.connectors.UpstreamUser.RoleAssignment;
import dev.roster.connectors.UpstreamUser.UpstreamTenant;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The REST directory connector against a real HTTP server (WireMock) with real faults: the directory contract, the
 * sign-in contract through {@code /users/me}, and what only HTTP can do (status codes, retries, the circuit breaker,
 * {@code Retry-After}, timeouts, oversized answers, configurable field names).
 */
class RestDirectoryConnectorTests extends UpstreamDirectoryContract {

    private static final String API_KEY = "test-api-key";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final WireMockServer directory = new WireMockServer(options().dynamicPort());

    private final List<RestDirectoryConnector> opened = new ArrayList<>();
    private final MeterRegistry meters = new SimpleMeterRegistry();

    @BeforeAll
    static void start() {
        directory.start();
    }

    @AfterAll
    static void stop() {
        directory.stop();
    }

    @BeforeEach
    void reset() {
        directory.resetAll();
        // Lowest priority: what the directory answers to anything not stubbed by a test.
        directory.stubFor(get(urlPathEqualTo("/api/v1/users/me")).atPriority(9).willReturn(status(401)));
        directory.stubFor(get(anyUrl()).atPriority(10).willReturn(status(404)));
    }

    @AfterEach
    void close() {
        opened.forEach(RestDirectoryConnector::close);
    }

    // --- the contract's hooks ---

    @Override
    protected UpstreamDirectory directory(UpstreamBudget budget) {
        return restConnector(Map.of(), budget);
    }

    @Override
    protected UpstreamDirectory unreachableDirectory(UpstreamBudget budget) {
        return restConnector(Map.of("roster.directory.base-url", "http://127.0.0.1:" + closedPort()), budget);
    }

    @Override
    protected void given(UpstreamUser user) {
        directory.stubFor(get(urlEqualTo("/api/v1/users/" + RestDirectoryConnector.pathSegment(user.externalId())))
                .withHeader("X-API-Key", equalTo(API_KEY))
                .willReturn(okJson(json(user))));
    }

    @Override
    protected void givenSearchFinds(String query, UpstreamUser... users) {
        var body = Map.of(
                "users",
                List.of(users).stream().map(RestDirectoryConnectorTests::fields).toList());
        directory.stubFor(get(urlPathEqualTo("/api/v1/users/search"))
                .withQueryParam("q", equalTo(query))
                .withHeader("X-API-Key", equalTo(API_KEY))
                .willReturn(okJson(JSON.writeValueAsString(body))));
    }

    /** The sign-in contract, through {@code GET /api/v1/users/me} with the user's own token. */
    @Nested
    class AsSignInConnector extends UpstreamConnectorContract {

        private final RestDirectoryConnector connector = restConnector(Map.of(), UpstreamBudget.UNLIMITED);

        @Override
        protected UpstreamConnector connector() {
            return connector;
        }

        @Override
        protected UpstreamConnector unreachableConnector() {
            return restConnector(
                    Map.of("roster.directory.base-url", "http://127.0.0.1:" + closedPort()), UpstreamBudget.UNLIMITED);
        }

        @Override
        protected String genuineToken(UpstreamUser user) {
            String token = "tok-" + UUID.randomUUID();
            directory.stubFor(get(urlEqualTo("/api/v1/users/me"))
                    .withHeader("Authorization", equalTo("Bearer " + token))
                    .willReturn(okJson(json(user))));
            return token;
        }

        /** The directory answers 401 to any token it did not issue (or revoked). */
        @Override
        protected String rejectedToken() {
            return "revoked-" + UUID.randomUUID();
        }

        @Test
        void signInSendsOnlyTheUsersTokenAndTakesAnInteractivePermit() {
            var budget = new RecordingBudget();
            RestDirectoryConnector connector = restConnector(Map.of(), budget);
            String token = genuineToken(user("ext-1", "a@example.com"));

            UpstreamAuthentication authenticated = connector.authenticate(token);

            assertThat(authenticated.tokenId()).matches("sha256:[0-9a-f]{64}");
            assertThat(authenticated.acceptableUntil())
                    .isBetween(
                            Instant.now().plus(Duration.ofMinutes(59)),
                            Instant.now().plus(Duration.ofMinutes(61)));
            assertThat(budget.acquired).containsExactly(Priority.INTERACTIVE);
            directory.verify(getRequestedFor(urlEqualTo("/api/v1/users/me")).withHeader("X-API-Key", absent()));
        }

        @Test
        void aDirectoryThatAsksToWaitMakesSignInUnavailableForAsLongAsItSaid() {
            directory.stubFor(
                    get(urlEqualTo("/api/v1/users/me")).willReturn(status(503).withHeader("Retry-After", "7")));

            assertThatThrownBy(() -> connector.authenticate("tok-1"))
                    .isInstanceOfSatisfying(
                            UpstreamUnavailable.class,
                            e -> assertThat(e.retryAfterSeconds()).isEqualTo(7));
        }

        @Test
        void aDirectoryFailingWith5xxMakesSignInUnavailable() {
            directory.stubFor(get(urlEqualTo("/api/v1/users/me")).willReturn(status(502)));

            assertThatThrownBy(() -> connector.authenticate("tok-1")).isInstanceOf(UpstreamUnavailable.class);
            directory.verify(3, getRequestedFor(urlEqualTo("/api/v1/users/me")));
        }

        @Test
        void anAnswerThatDoesNotFitTheContractIsAMisconfigurationNotABadToken() {
            directory.stubFor(get(urlEqualTo("/api/v1/users/me")).willReturn(okJson("{\"id\": \"ext-1\"}")));

            assertThatThrownBy(() -> connector.authenticate("tok-1"))
                    .isInstanceOf(UpstreamMisconfigured.class)
                    .hasMessageContaining("ROSTER_DIRECTORY_");
        }

        @Test
        void theProviderIsTheBaseUrlWithoutTrailingSlash() {
            RestDirectoryConnector slashed = restConnector(
                    Map.of("roster.directory.base-url", directory.baseUrl() + "//"), UpstreamBudget.UNLIMITED);

            assertThat(slashed.provider()).isEqualTo(directory.baseUrl());
        }
    }

    // --- the contract's shape, field by field ---

    @Test
    void everyFieldOfTheContractIsMappedAndEmailIsNormalised() {
        directory.stubFor(get(urlEqualTo("/api/v1/users/42")).willReturn(okJson("""
                {"id": 42, "email": " Ann@Example.COM ", "email_verified": false, "username": "ann",
                 "first_name": "Ann", "middle_name": "Marie", "last_name": "Lee", "display_name": "Ann M. Lee",
                 "image": "https://img.example.com/ann.png", "position_title": "Engineer",
                 "division": "Engineering", "department": "Platform", "section": "Identity",
                 "custom_team": "Team Alpha", "hierarchy_level": 3, "reports_to": 7, "is_active": false,
                 "is_leader": true, "unknown_field": {"ignored": true},
                 "roles": [{"role": "viewer", "on": {"tenant": "initech", "name": "Initech"}},
                           {"role": "developer", "on": {"tenant": "acme"}}]}
                """)));

        UpstreamUser user = found(directory(UpstreamBudget.UNLIMITED).fetch("42", Priority.BACKGROUND));

        assertThat(user)
                .isEqualTo(new UpstreamUser(
                        "42",
                        "ann@example.com",
                        false,
                        "ann",
                        "Ann",
                        "Lee",
                        "Marie",
                        "Ann M. Lee",
                        "https://img.example.com/ann.png",
                        new Organization("Engineer", "Engineering", "Platform", "Identity", "Team Alpha", 3, "7", true),
                        false,
                        List.of(
                                new RoleAssignment("viewer", new UpstreamTenant("initech", "Initech", null)),
                                new RoleAssignment("developer", new UpstreamTenant("acme", "acme", null)))));
    }

    @Test
    void aDirectoryThatSaysNothingAboutAddressesOrOrganizationVouchesForAddressesByDefault() {
        directory.stubFor(get(urlEqualTo("/api/v1/users/ext-1"))
                .willReturn(okJson("{\"id\": \"ext-1\", \"email\": \"a@example.com\"}")));

        UpstreamUser byDefault = found(directory(UpstreamBudget.UNLIMITED).fetch("ext-1", Priority.BACKGROUND));
        UpstreamUser unvouched = found(
                restConnector(Map.of("roster.directory.email-verified-default", "false"), UpstreamBudget.UNLIMITED)
                        .fetch("ext-1", Priority.BACKGROUND));

        assertThat(byDefault.emailVerified()).isTrue();
        assertThat(byDefault.organization()).isNull();
        assertThat(byDefault.active()).isNull();
        assertThat(byDefault.roles()).isNull();
        assertThat(unvouched.emailVerified()).isFalse();
    }

    @Test
    void aDirectoryWithOtherNamesFitsThroughSettings() {
        directory.stubFor(get(urlEqualTo("/api/v1/users/u-1"))
                .withHeader("Authorization", equalTo("ApiKey " + API_KEY))
                .willReturn(okJson("""
                        {"uid": "u-1", "mail": "b@example.com", "givenName": "Bo", "active": true, "dept": "Sales",
                         "memberships": [{"slug": "developer", "org": {"key": "acme", "title": "Acme Corp"}}]}
                        """)));
        var settings = new HashMap<String, String>();
        settings.put("roster.directory.api-key-header", "Authorization");
        settings.put("roster.directory.api-key", "ApiKey " + API_KEY);
        settings.put("roster.directory.fields.id", "uid");
        settings.put("roster.directory.fields.email", "mail");
        settings.put("roster.directory.fields.first-name", "givenName");
        settings.put("roster.directory.fields.active", "active");
        settings.put("roster.directory.fields.department", "dept");
        settings.put("roster.directory.fields.roles", "memberships");
        settings.put("roster.directory.fields.role", "slug");
        settings.put("roster.directory.fields.role-tenant", "org");
        settings.put("roster.directory.fields.tenant-id", "key");
        settings.put("roster.directory.fields.tenant-name", "title");

        UpstreamUser user =
                found(restConnector(settings, UpstreamBudget.UNLIMITED).fetch("u-1", Priority.BACKGROUND));

        assertThat(user.externalId()).isEqualTo("u-1");
        assertThat(user.email()).isEqualTo("b@example.com");
        assertThat(user.firstName()).isEqualTo("Bo");
        assertThat(user.active()).isTrue();
        assertThat(user.organization()).isEqualTo(new Organization(null, null, "Sales", null, null, null, null, null));
        assertThat(user.roles())
                .containsExactly(new RoleAssignment("developer", new UpstreamTenant("acme", "Acme Corp", null)));
    }

    @Test
    void searchSendsTheQueryTheLimitAndTheApiKey() {
        givenSearchFinds("ann lee & co", ANN);

        assertThat(directory(UpstreamBudget.UNLIMITED).search("ann lee & co", 7))
                .containsExactly(ANN);

        directory.verify(getRequestedFor(urlPathEqualTo("/api/v1/users/search"))
                .withQueryParam("q", equalTo("ann lee & co"))
                .withQueryParam("limit", equalTo("7"))
                .withHeader("X-API-Key", equalTo(API_KEY)));
    }

    @Test
    void aSearchLeavesOutUsersThatDoNotFitTheContract() {
        directory.stubFor(get(urlPathEqualTo("/api/v1/users/search")).willReturn(okJson("""
                {"users": [{"id": "ext-1", "email": "a@example.com"}, {"id": "ext-2"}, "nonsense"]}
                """)));

        assertThat(directory(UpstreamBudget.UNLIMITED).search("a", 10))
                .extracting(UpstreamUser::externalId)
                .containsExactly("ext-1");
    }

    // --- failures ---

    @Test
    void aRefusedApiKeyIsUnauthorizedNeverRetriedAndCounted() {
        directory.stubFor(get(urlEqualTo("/api/v1/users/ext-1")).willReturn(status(401)));
        directory.stubFor(get(urlPathEqualTo("/api/v1/users/search")).willReturn(status(403)));
        UpstreamDirectory connector = directory(UpstreamBudget.UNLIMITED);

        assertFails(() -> connector.fetch("ext-1", Priority.BACKGROUND), Kind.UNAUTHORIZED);
        assertFails(() -> connector.search("a", 5), Kind.UNAUTHORIZED);

        directory.verify(1, getRequestedFor(urlEqualTo("/api/v1/users/ext-1")));
        directory.verify(1, getRequestedFor(urlPathEqualTo("/api/v1/users/search")));
        assertThat(meters.get("roster.upstream.unauthorized")
                        .tag("connector", "rest_directory")
                        .counter()
                        .count())
                .isEqualTo(2);
    }

    @Test
    void aServerErrorIsRetriedUpToTheMaximumTakingAPermitEachTime() {
        directory.stubFor(get(urlEqualTo("/api/v1/users/ext-1")).willReturn(status(500)));
        var budget = new RecordingBudget();

        assertFails(() -> directory(budget).fetch("ext-1", Priority.BACKGROUND), Kind.SERVER_ERROR);

        directory.verify(3, getRequestedFor(urlEqualTo("/api/v1/users/ext-1")));
        assertThat(budget.acquired).containsExactly(Priority.BACKGROUND, Priority.BACKGROUND, Priority.BACKGROUND);
    }

    @Test
    void aRetryThatSucceedsYieldsTheAnswer() {
        directory.stubFor(get(urlEqualTo("/api/v1/users/ext-1"))
                .inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(status(502))
                .willSetStateTo("recovered"));
        directory.stubFor(get(urlEqualTo("/api/v1/users/ext-1"))
                .inScenario("flaky")
                .whenScenarioStateIs("recovered")
                .willReturn(okJson("{\"id\": \"ext-1\", \"email\": \"a@example.com\"}")));
        var budget = new RecordingBudget();

        UpstreamUser user = found(directory(budget).fetch("ext-1", Priority.BACKGROUND));

        assertThat(user.externalId()).isEqualTo("ext-1");
        assertThat(budget.acquired).hasSize(2);
        assertThat(timer("fetch", "server_error")).isEqualTo(1);
        assertThat(timer("fetch", "ok")).isEqualTo(1);
    }

    @Test
    void aConnectionResetIsANetworkFailure() {
        directory.stubFor(get(urlEqualTo("/api/v1/users/ext-1"))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        assertFails(() -> directory(UpstreamBudget.UNLIMITED).fetch("ext-1", Priority.BACKGROUND), Kind.NETWORK);
        assertThat(timer("fetch", "network")).isEqualTo(3);
    }

    @Test
    void anAnswerSlowerThanTheReadTimeoutIsATimeout() {
        directory.stubFor(get(urlEqualTo("/api/v1/users/ext-1"))
                .willReturn(okJson("{\"id\": \"ext-1\", \"email\": \"a@example.com\"}")
                        .withFixedDelay(1500)));

        assertFails(
                () -> restConnector(Map.of("roster.directory.retry.max-attempts", "1"), UpstreamBudget.UNLIMITED)
                        .fetch("ext-1", Priority.BACKGROUND),
                Kind.TIMEOUT);
    }

    @Test
    void anAnswerThatIsNotTheContractsShapeIsMalformedAndNotRetried() {
        Map<String, String> answers = Map.of(
                "not-json", "{\"id\": ",
                "not-an-object", "[1, 2]",
                "no-email", "{\"id\": \"x\"}",
                "no-id", "{\"email\": \"x@example.com\"}",
                "roles-not-a-list", "{\"id\": \"x\", \"email\": \"x@example.com\", \"roles\": \"admin\"}",
                "role-without-tenant", "{\"id\": \"x\", \"email\": \"x@example.com\", \"roles\": [{\"role\": \"a\"}]}",
                "active-not-a-flag", "{\"id\": \"x\", \"email\": \"x@example.com\", \"is_active\": \"yes\"}",
                "level-not-a-number", "{\"id\": \"x\", \"email\": \"x@example.com\", \"hierarchy_level\": 1.5}",
                "tenant-key-too-long",
                        "{\"id\": \"x\", \"email\": \"x@example.com\", \"roles\": [{\"role\": \"viewer\", \"on\": {\"tenant\": \""
                                + "t".repeat(256) + "\"}}]}",
                "too-many-roles",
                        "{\"id\": \"x\", \"email\": \"x@example.com\", \"roles\": ["
                                + String.join(
                                        ",",
                                        java.util.Collections.nCopies(1001, "{\"role\": \"viewer\", \"on\": \"t\"}"))
                                + "]}");
        answers.forEach((id, body) ->
                directory.stubFor(get(urlEqualTo("/api/v1/users/" + id)).willReturn(okJson(body))));
        directory.stubFor(get(urlPathEqualTo("/api/v1/users/search")).willReturn(okJson("{\"people\": []}")));
        UpstreamDirectory connector = directory(UpstreamBudget.UNLIMITED);

        answers.keySet().forEach(id -> assertFails(() -> connector.fetch(id, Priority.BACKGROUND), Kind.MALFORMED));
        assertFails(() -> connector.search("a", 5), Kind.MALFORMED);

        answers.keySet().forEach(id -> directory.verify(1, getRequestedFor(urlEqualTo("/api/v1/users/" + id))));
    }

    @Test
    void aBaseUrlWithCredentialsIsRefusedWithoutRepeatingThem() {
        assertThatThrownBy(() -> restConnector(
                        Map.of("roster.directory.base-url", "http://svc:s3cret@directory.test"),
                        UpstreamBudget.UNLIMITED))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("credentials")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void anAnswerLargerThanTheLimitIsMalformed() {
        String padding = "x".repeat(1500);
        directory.stubFor(get(urlEqualTo("/api/v1/users/ext-1"))
                .willReturn(
                        okJson("{\"id\": \"ext-1\", \"email\": \"a@example.com\", \"image\": \"" + padding + "\"}")));

        assertFails(
                () -> restConnector(Map.of("roster.directory.max-body-size", "1KB"), UpstreamBudget.UNLIMITED)
                        .fetch("ext-1", Priority.BACKGROUND),
                Kind.MALFORMED);
        assertThat(found(directory(UpstreamBudget.UNLIMITED).fetch("ext-1", Priority.BACKGROUND))
                        .image())
                .isEqualTo(padding);
    }

    @Test
    void aStatusTheContractDoesNotKnowIsMalformed() {
        directory.stubFor(get(urlEqualTo("/api/v1/users/ext-1")).willReturn(status(400)));
        directory.stubFor(
                get(urlEqualTo("/api/v1/users/ext-2")).willReturn(status(302).withHeader("Location", "/")));

        assertFails(() -> directory(UpstreamBudget.UNLIMITED).fetch("ext-1", Priority.BACKGROUND), Kind.MALFORMED);
        assertFails(() -> directory(UpstreamBudget.UNLIMITED).fetch("ext-2", Priority.BACKGROUND), Kind.MALFORMED);
        directory.verify(1, getRequestedFor(urlEqualTo("/api/v1/users/ext-1")));
    }

    @Test
    void tooManyRequestsIsRateLimitedPausesTheBudgetAndIsNotRetried() {
        directory.stubFor(
                get(urlEqualTo("/api/v1/users/ext-1")).willReturn(status(429).withHeader("Retry-After", "7")));
        var budget = new RecordingBudget();

        UpstreamCallFailed failure =
                assertFails(() -> directory(budget).fetch("ext-1", Priority.BACKGROUND), Kind.RATE_LIMITED);

        assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(budget.pauses).containsExactly(Duration.ofSeconds(7));
        directory.verify(1, getRequestedFor(urlEqualTo("/api/v1/users/ext-1")));
    }

    @Test
    void unavailableWithRetryAfterIsRateLimitedAndWithoutIsAServerError() {
        String inTwoMinutes = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                Instant.now().plusSeconds(120).atOffset(ZoneOffset.UTC));
        directory.stubFor(
                get(urlEqualTo("/api/v1/users/ext-1")).willReturn(status(503).withHeader("Retry-After", inTwoMinutes)));
        directory.stubFor(get(urlEqualTo("/api/v1/users/ext-2")).willReturn(status(503)));
        var budget = new RecordingBudget();

        UpstreamCallFailed limited =
                assertFails(() -> directory(budget).fetch("ext-1", Priority.BACKGROUND), Kind.RATE_LIMITED);
        assertFails(() -> directory(budget).fetch("ext-2", Priority.BACKGROUND), Kind.SERVER_ERROR);

        assertThat(limited.retryAfter()).isBetween(Duration.ofSeconds(100), Duration.ofSeconds(120));
        assertThat(budget.pauses).hasSize(1);
        directory.verify(3, getRequestedFor(urlEqualTo("/api/v1/users/ext-2")));
    }

    @Test
    void tooManyRequestsWithoutRetryAfterPausesTheBudgetForTheDefault() {
        directory.stubFor(get(urlEqualTo("/api/v1/users/ext-1")).willReturn(status(429)));
        var budget = new RecordingBudget();

        UpstreamCallFailed failure =
                assertFails(() -> directory(budget).fetch("ext-1", Priority.BACKGROUND), Kind.RATE_LIMITED);

        assertThat(failure.retryAfter()).isNull();
        assertThat(budget.pauses).containsExactly(RestDirectoryConnector.DEFAULT_PAUSE);
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2025-10-13T10:00:00Z");

        assertThat(RestDirectoryConnector.retryAfter("7", now)).isEqualTo(Duration.ofSeconds(7));
        assertThat(RestDirectoryConnector.retryAfter(" 120 ", now)).isEqualTo(Duration.ofSeconds(120));
        assertThat(RestDirectoryConnector.retryAfter("Mon, 13 Oct 2025 10:00:30 GMT", now))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(RestDirectoryConnector.retryAfter("Mon, 13 Oct 2025 09:00:00 GMT", now))
                .isEqualTo(Duration.ZERO);
        assertThat(RestDirectoryConnector.retryAfter("soon", now)).isNull();
        assertThat(RestDirectoryConnector.retryAfter("-5", now)).isNull();
        assertThat(RestDirectoryConnector.retryAfter(null, now)).isNull();
    }

    // --- the circuit breaker ---

    @Test
    void repeatedFailuresOpenTheCircuitWhichThenFailsFastWithoutARequestOrAPermit() {
        directory.stubFor(get(urlEqualTo("/api/v1/users/ext-1")).willReturn(status(500)));
        var budget = new RecordingBudget();
        RestDirectoryConnector connector = restConnector(breakerSettings(), budget);

        for (int i = 0; i < 4; i++) {
            assertFails(() -> connector.fetch("ext-1", Priority.BACKGROUND), Kind.SERVER_ERROR);
        }
        assertFails(() -> connector.fetch("ext-1", Priority.BACKGROUND), Kind.CIRCUIT_OPEN);
        assertFails(() -> connector.search("a", 5), Kind.CIRCUIT_OPEN);

        directory.verify(4, getRequestedFor(anyUrl()));
        assertThat(budget.acquired).hasSize(4);
        assertThat(connector.circuitOpen()).isTrue();
        assertThat(timer("fetch", "circuit_open")).isEqualTo(1);
    }

    @Test
    void unknownUsersRefusedTokensAndRefusedKeysDoNotOpenTheCircuit() {
        directory.stubFor(get(urlEqualTo("/api/v1/users/ext-403")).willReturn(status(403)));
        RestDirectoryConnector lookups = restConnector(breakerSettings(), UpstreamBudget.UNLIMITED);
        RestDirectoryConnector signIns = restConnector(breakerSettings(), UpstreamBudget.UNLIMITED);
        RestDirectoryConnector misconfigured = restConnector(breakerSettings(), UpstreamBudget.UNLIMITED);

        for (int i = 0; i < 6; i++) {
            assertThat(lookups.fetch("ext-nobody", Priority.BACKGROUND)).isEqualTo(new Lookup.Gone());
            assertThatThrownBy(() -> signIns.authenticate("bad-token")).isInstanceOf(InvalidUpstreamToken.class);
            assertFails(() -> misconfigured.fetch("ext-403", Priority.BACKGROUND), Kind.UNAUTHORIZED);
        }

        assertThat(List.of(lookups, signIns, misconfigured)).noneMatch(RestDirectoryConnector::circuitOpen);
        directory.verify(6, getRequestedFor(urlEqualTo("/api/v1/users/ext-nobody")));
        directory.verify(6, getRequestedFor(urlEqualTo("/api/v1/users/ext-403")));
    }

    // --- metrics ---

    @Test
    void everyRequestIsTimedByOperationAndOutcomeWithoutUserIds() {
        given(ANN);
        UpstreamDirectory connector = directory(UpstreamBudget.UNLIMITED);

        connector.fetch("ext-ann", Priority.BACKGROUND);
        connector.fetch("ext-nobody", Priority.BACKGROUND);

        assertThat(timer("fetch", "ok")).isEqualTo(1);
        assertThat(timer("fetch", "not_found")).isEqualTo(1);
        assertThat(meters.get("roster.upstream.request").timers())
                .allSatisfy(t -> assertThat(t.getId().getTags())
                        .extracting(io.micrometer.core.instrument.Tag::getKey)
                        .containsExactlyInAnyOrder("connector", "operation", "outcome"));
    }

    // --- helpers ---

    /** A breaker that opens after four calls of which half failed; no retries, so that each call is one request. */
    private static Map<String, String> breakerSettings() {
        return Map.of(
                "roster.directory.retry.max-attempts", "1",
                "roster.directory.circuit-breaker.sliding-window", "4",
                "roster.directory.circuit-breaker.minimum-calls", "4",
                "roster.directory.circuit-breaker.open-for", "1m");
    }

    /**
     * A connector on the test directory, bound from properties as Roster binds them: small timeouts and retry waits,
     * then {@code overrides}.
     */
    private RestDirectoryConnector restConnector(Map<String, String> overrides, UpstreamBudget budget) {
        var properties = new HashMap<String, String>();
        properties.put("roster.directory.base-url", directory.baseUrl());
        properties.put("roster.directory.api-key", API_KEY);
        properties.put("roster.directory.connect-timeout", "300ms");
        properties.put("roster.directory.read-timeout", "300ms");
        properties.put("roster.directory.retry.initial-wait", "10ms");
        properties.put("roster.directory.retry.jitter", "0");
        properties.putAll(overrides);
        DirectorySettings settings = new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("roster.directory", DirectorySettings.class);
        var connector = new RestDirectoryConnector(settings, JSON, budget, meters, Clock.systemUTC());
        opened.add(connector);
        return connector;
    }

    private double timer(String operation, String outcome) {
        var timer = meters.find("roster.upstream.request")
                .tags("connector", "rest_directory", "operation", operation, "outcome", outcome)
                .timer();
        return timer == null ? 0 : timer.count();
    }

    private static UpstreamCallFailed assertFails(Runnable call, Kind kind) {
        try {
            call.run();
        } catch (UpstreamCallFailed e) {
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
            return e;
        }
        throw new AssertionError("expected the call to fail with " + kind);
    }

    /** The user in the contract's JSON, with the default field names. */
    private static String json(UpstreamUser user) {
        return JSON.writeValueAsString(fields(user));
    }

    private static Map<String, Object> fields(UpstreamUser user) {
        var json = new LinkedHashMap<String, @Nullable Object>();
        json.put("id", user.externalId());
        json.put("email", user.email());
        json.put("email_verified", user.emailVerified());
        json.put("username", user.username());
        json.put("first_name", user.firstName());
        json.put("middle_name", user.middleName());
        json.put("last_name", user.lastName());
        json.put("display_name", user.displayName());
        json.put("image", user.image());
        Organization org = user.organization();
        if (org != null) {
            json.put("position_title", org.positionTitle());
            json.put("division", org.division());
            json.put("department", org.department());
            json.put("section", org.section());
            json.put("custom_team", org.customTeam());
            json.put("hierarchy_level", org.hierarchyLevel());
            json.put("reports_to", org.reportsToExternalId());
            json.put("is_leader", org.leader());
        }
        json.put("is_active", user.active());
        if (user.roles() != null) {
            json.put(
                    "roles",
                    user.roles().stream()
                            .map(r -> Map.of(
                                    "role",
                                    r.role(),
                                    "on",
                                    Map.of(
                                            "tenant",
                                            r.tenant().externalId(),
                                            "name",
                                            r.tenant().name())))
                            .toList());
        }
        json.values().removeIf(java.util.Objects::isNull);
        @SuppressWarnings("unchecked")
        Map<String, Object> present = (Map<String, Object>) (Map<String, ?>) json;
        return present;
    }

    private static int closedPort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
