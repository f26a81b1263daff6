package dev.roster.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.Http;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The client-credentials grant (RFC 6749 §4.4) at {@code POST /v1/auth/token}: client authentication by HTTP Basic
 * or form fields, an access token only, RFC 6749 §5.2 errors that never say why a client was refused; and what the
 * token is for: asking the authorization check about the users of the tenants the account administers.
 */
class ServiceAccountTokenTests extends AdminApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private String admin;
    private ServiceAccountCredentials account;

    @BeforeEach
    void createAccount() {
        admin = signInAsPlatformAdmin();
        account = createServiceAccount(admin, "documents-service");
    }

    private Http.Response token(String body, String... headers) {
        var request = http.request("/v1/auth/token", null)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request);
    }

    private static String basic(String userPass) {
        return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode claims(String jwt) {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    private static void assertInvalidClient(Http.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).startsWith("Basic realm=\"roster\"");
        assertThat(response.json().path("error").asString()).isEqualTo("invalid_client");
        assertThat(response.json().path("error_description").asString()).isEqualTo("Client authentication failed.");
        assertThat(response.header("Cache-Control")).contains("no-store");
    }

    private static void assertOAuthError(Http.Response response, int status, String error) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json().path("error").asString()).isEqualTo(error);
    }

    @Test
    void httpBasicAnswersAnAccessTokenWhoseSubjectIsTheAccountAndNoRefreshToken() {
        Http.Response response = clientCredentials(account.clientId(), account.clientSecret());

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.path("token_type").asString()).isEqualTo("Bearer");
        assertThat(body.path("expires_in").asLong()).isEqualTo(900);
        assertThat(body.has("refresh_token")).isFalse();
        assertThat(body.has("issued_token_type")).isFalse();
        assertThat(response.header("Cache-Control")).contains("no-store");
        String accessToken = body.path("access_token").asString();
        JsonNode claims = claims(accessToken);
        assertThat(claims.path("sub").asString()).isEqualTo(account.id());
        assertThat(claims.path("email").asString()).endsWith("@service-accounts.roster.invalid");
        // The same small token as a user's, bound to a session of its own, without a refresh token.
        assertThat(jdbc.sql(
                                "SELECT count(*) FROM sessions WHERE user_id = CAST(:id AS uuid) AND id = CAST(:sid AS uuid)"
                                        + " AND expires_at < now() + interval '16 minutes'")
                        .param("id", account.id())
                        .param("sid", claims.path("sid").asString())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id"
                                + " WHERE s.user_id = CAST(:id AS uuid)")
                        .param("id", account.id())
                        .query(Long.class)
                        .single())
                .isZero();
        Http.Response me = http.get("/v1/me", accessToken);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().path("id").asString()).isEqualTo(account.id());
    }

    @Test
    void noTokenIssuedWhileTheAccountIsDeactivatedOutlivesTheDeactivation() throws Exception {
        var issued = new java.util.ArrayList<java.util.concurrent.Future<Http.Response>>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 40; i++) {
                issued.add(pool.submit(() -> clientCredentials(account.clientId(), account.clientSecret())));
            }
            assertThat(http.delete("/v1/service-accounts/" + account.id(), admin)
                            .status())
                    .isEqualTo(200);
        }

        for (var answer : issued) {
            Http.Response response = answer.get();
            if (response.status() == 200) {
                assertThat(http.get(
                                        "/v1/me",
                                        response.json().path("access_token").asString())
                                .status())
                        .isEqualTo(401);
            } else {
                assertInvalidClient(response);
            }
        }
    }

    @Test
    void formFieldsAuthenticateTheClientToo() {
        Http.Response response = http.postForm(
                "/v1/auth/token",
                Http.form(
                        "grant_type",
                        "client_credentials",
                        "client_id",
                        account.clientId(),
                        "client_secret",
                        account.clientSecret()));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(claims(response.json().path("access_token").asString())
                        .path("sub")
                        .asString())
                .isEqualTo(account.id());
    }

    @Test
    void anUnknownClientAWrongSecretAndADeactivatedAccountAreRefusedAlike() {
        assertInvalidClient(clientCredentials(account.clientId(), account.clientSecret() + "x"));
        assertInvalidClient(clientCredentials("sa_00000000000000000000000000000000", account.clientSecret()));
        assertInvalidClient(token("grant_type=client_credentials"));
        assertInvalidClient(
                token("grant_type=client_credentials&client_id=" + account.clientId() + "&client_secret=wrong"));
        assertInvalidClient(token("grant_type=client_credentials", "Authorization", "Basic !!!notbase64"));
        assertInvalidClient(token("grant_type=client_credentials", "Authorization", basic("no-colon")));
        assertInvalidClient(token("grant_type=client_credentials", "Authorization", basic(account.clientId() + ":")));
        assertInvalidClient(token("grant_type=client_credentials", "Authorization", basic("%zz:%zz")));
        assertInvalidClient(token("grant_type=client_credentials", "Authorization", "Bearer " + admin));
        assertInvalidClient(token(
                "grant_type=client_credentials",
                "Authorization",
                basic(account.clientId() + ":" + "s".repeat(10_000))));

        assertThat(http.delete("/v1/service-accounts/" + account.id(), admin).status())
                .isEqualTo(200);
        assertInvalidClient(clientCredentials(account.clientId(), account.clientSecret()));
        // Counted, without the client in a label; logged without the secret.
        String metrics = management.get("/actuator/prometheus", null).body();
        assertThat(metrics.lines()
                        .filter(l -> l.startsWith("roster_client_authentications_total{")
                                && l.contains("outcome=\"invalid_client\""))
                        .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))))
                .singleElement()
                .satisfies(n -> assertThat(n).isGreaterThanOrEqualTo(4));
        assertThat(metrics).doesNotContain(account.clientId());
    }

    @Test
    void aRequestThatIsNotWellFormedIsInvalidRequestOrInvalidScope() {
        String basic = basic(account.clientId() + ":" + account.clientSecret());
        assertOAuthError(
                token("grant_type=client_credentials&client_secret=" + account.clientSecret(), "Authorization", basic),
                400,
                "invalid_request");
        assertOAuthError(
                token("grant_type=client_credentials&client_id=sa_other", "Authorization", basic),
                400,
                "invalid_request");
        assertOAuthError(
                token("grant_type=client_credentials&client_id=a&client_id=b&client_secret=c"), 400, "invalid_request");
        assertOAuthError(
                token("grant_type=client_credentials&scope=docs", "Authorization", basic), 400, "invalid_scope");
        assertOAuthError(token("grant_type=password", "Authorization", basic), 400, "unsupported_grant_type");
        // The same client id in the form as in the header is allowed (some libraries send both).
        assertThat(token("grant_type=client_credentials&client_id=" + account.clientId(), "Authorization", basic)
                        .status())
                .isEqualTo(200);
        assertThat(token("grant_type=client_credentials&scope=", "Authorization", basic)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void discoveryAdvertisesTheGrantAndTheClientAuthenticationMethods() {
        JsonNode discovery = http.get("/.well-known/openid-configuration", null).json();

        assertThat(values(discovery.path("grant_types_supported"))).contains("client_credentials");
        assertThat(values(discovery.path("token_endpoint_auth_methods_supported")))
                .contains("client_secret_basic", "client_secret_post");
    }

    private static List<String> values(JsonNode array) {
        var out = new java.util.ArrayList<String>();
        array.forEach(v -> out.add(v.asString()));
        return out;
    }

    @Test
    void anAccountThatAdministersATenantChecksForItsUsersAndOnlyThere() {
        String tenant = createTenant(admin, "acme");
        String other = createTenant(admin, "globex");
        User alice = member(admin, tenant, "alice", "developer");
        assertThat(postJson(
                                "/v1/tenants/" + tenant + "/grants",
                                admin,
                                "{\"principal\":\"user:" + alice.id()
                                        + "\",\"permission\":\"docs:read\",\"selector\":\"docs/*\"}")
                        .status())
                .isEqualTo(201);
        String serviceToken = serviceAccountToken(account);
        String check = "{\"user_id\":\"" + alice.id() + "\",\"tenant_id\":\"%s\",\"permission\":\"docs:read\","
                + "\"resource\":\"docs/1\"}";

        // No role anywhere yet: it may ask only about itself.
        assertProblem(postJson("/v1/authz/check", serviceToken, check.formatted(tenant)), 403, "role_required");

        Http.Response assigned = assign(admin, tenant, account.id(), "tenant_admin");
        assertThat(assigned.status()).as(assigned.body()).isEqualTo(201);

        Http.Response allowed = postJson("/v1/authz/check", serviceToken, check.formatted(tenant));
        assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
        assertThat(allowed.json().path("allowed").asBoolean()).isTrue();
        assertProblem(postJson("/v1/authz/check", serviceToken, check.formatted(other)), 403, "role_required");
        // Its membership shows in /v1/me like anyone's.
        assertThat(tenantsOf(http.get("/v1/me", serviceToken).json())).containsExactly(tenant);
    }
}
