package dev.roster.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.roster.support.Http;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the admin API does with input it cannot take: a 4xx problem with a stable code, never a 500, never a partial
 * write, and text it does take is stored and answered exactly as sent.
 */
class BadInputTests extends AdminApiTest {

    static final String SQL_SHAPED = "'; DROP TABLE users; --";
    static final JsonMapper JSON = JsonMapper.builder().build();

    String admin;
    String tenant;
    String user;
    String role;

    @BeforeEach
    void aTenantWithAMemberAndARole() {
        admin = signInAsPlatformAdmin();
        tenant = createTenant(admin, "acme");
        user = signUp("member").id();
        assign(admin, tenant, user, "viewer");
        role = postJson(
                        "/v1/tenants/" + tenant + "/roles",
                        admin,
                        "{\"slug\":\"auditor\",\"name\":\"A\",\"priority\":1}")
                .json()
                .path("id")
                .asString();
    }

    /** Everything an admin request could have written. */
    String state() {
        return jdbc.sql("""
                SELECT (SELECT string_agg(id || slug || name || coalesce(external_id, '') || coalesce(parent_id::text, '')
                                          || version || coalesce(deleted_at::text, ''), ',' ORDER BY id) FROM tenants)
                    || '|' || (SELECT string_agg(id || slug || name || priority || version, ',' ORDER BY id) FROM roles)
                    || '|' || (SELECT string_agg(user_id || ':' || tenant_id || role_id || source || updated_at, ','
                                                 ORDER BY user_id, tenant_id) FROM memberships)
                    || '|' || (SELECT string_agg(id || is_active::text || updated_at, ',' ORDER BY id) FROM users)
                    || '|' || (SELECT count(*) FROM audit_log)
                """).query(String.class).single();
    }

    String expand(String template) {
        return template.replace("{T}", tenant).replace("{U}", user).replace("{R}", role);
    }

    Http.Response send(String method, String path, String body) {
        return http.call(method, expand(path), admin, body == null ? null : expand(body));
    }

    void assertRefusedWithNothingWritten(String before, Http.Response response, int status, String code) {
        assertProblem(response, status, code);
        assertThat(state()).isEqualTo(before);
    }

    // ---- ids

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource
    void aMalformedIdIs400InvalidParameter(String method, String path, String body) {
        String before = state();

        assertRefusedWithNothingWritten(before, send(method, path, body), 400, "invalid_parameter");
    }

    static Stream<Arguments> aMalformedIdIs400InvalidParameter() {
        return Stream.of(
                arguments("GET", "/v1/tenants/not-a-uuid", null),
                arguments("GET", "/v1/tenants/'--", null),
                arguments("GET", "/v1/tenants/%27%3B%20DROP%20TABLE%20tenants%3B%20--", null),
                arguments("GET", "/v1/tenants/00000000-0000-0000-0000-0000000000000", null),
                arguments("GET", "/v1/tenants/00000000-0000-0000-0000-00000000000g", null),
                arguments("PATCH", "/v1/tenants/not-a-uuid", "{\"name\":\"x\"}"),
                arguments("DELETE", "/v1/tenants/'--", null),
                arguments("GET", "/v1/tenants/not-a-uuid/members", null),
                arguments("PUT", "/v1/tenants/{T}/members/not-a-uuid", "{\"role\":\"viewer\"}"),
                arguments("PUT", "/v1/tenants/'--/members/{U}", "{\"role\":\"viewer\"}"),
                arguments("DELETE", "/v1/tenants/{T}/members/'--", null),
                arguments("GET", "/v1/tenants/{T}/roles/not-a-uuid", null),
                arguments("PATCH", "/v1/tenants/{T}/roles/'--", "{\"name\":\"x\"}"),
                arguments("DELETE", "/v1/tenants/{T}/roles/not-a-uuid", null),
                arguments("POST", "/v1/tenants/not-a-uuid/roles", "{\"slug\":\"r\",\"name\":\"R\",\"priority\":1}"),
                arguments("GET", "/v1/users/not-a-uuid", null),
                arguments("POST", "/v1/users/'--:deactivate", null),
                arguments("POST", "/v1/users/not-a-uuid:reactivate", null),
                arguments("GET", "/v1/users?tenant_id='--", null),
                arguments("GET", "/v1/users/stats?by=role&tenant_id=not-a-uuid", null),
                arguments("GET", "/v1/audit?tenant_id=not-a-uuid", null),
                arguments("GET", "/v1/me/role?tenant_id=not-a-uuid", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/tenants/0-0-0-0-0", "/v1/tenants/0-0-0-0-0/members", "/v1/users/0-0-0-0-0"})
    void anAbbreviatedUuidIsRefusedNotReadAsAnotherId(String path) {
        Http.Response response = http.get(path, admin);

        assertProblem(response, 400, "invalid_parameter");
        assertThat(response.body()).doesNotContain(ROOT);
    }

    // ---- parameters

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "/v1/users/stats?by=nonsense",
                "/v1/users/stats?by=",
                "/v1/users/stats?by=division%27--",
                "/v1/tenants/{T}/members?role=nonsense",
                "/v1/tenants/{T}/members?role=",
                "/v1/tenants/{T}/members?role=role:global:not-a-uuid",
                "/v1/users?role=nonsense",
                "/v1/users?role=",
                "/v1/users?role=auditor", // a tenant's role, without its tenant
                "/v1/users?is_active=maybe",
                "/v1/users?limit=0",
                "/v1/users?limit=201",
                "/v1/tenants?limit=-1",
                "/v1/tenants/{T}/roles?limit=abc",
                "/v1/audit?limit=1e2",
                "/v1/users?cursor=forged",
                "/v1/audit?cursor=forged",
                "/v1/tenants?cursor=forged",
                "/v1/tenants/{T}?min_version=abc",
                "/v1/tenants/{T}?min_version=-1",
                "/v1/users?q=%00",
                "/v1/users?q=a%01b",
                "/v1/users?q=%7F",
                "/v1/users?q=%20%20",
                "/v1/audit?action=%00",
                // Repeated: Spring would answer for the first value.
                "/v1/users?limit=1&limit=2",
                "/v1/users?q=a&q=b",
                "/v1/users?tenant_id={T}&tenant_id={T}",
                "/v1/tenants/{T}/members?role=viewer&role=viewer",
                "/v1/tenants/{T}?min_version=1&min_version=1",
                "/v1/users?unknown=1&unknown=2",
                // Typed values Spring would trim (everything up to U+0020, NUL included) into a valid one.
                "/v1/users?tenant_id={T}%00",
                "/v1/users?tenant_id=%20{T}",
                "/v1/users?limit=5%00",
                "/v1/users?limit=+5",
                "/v1/users?is_active=true%00",
                "/v1/audit?tenant_id={T}%0D%0A",
                // Numbers lose whitespace anywhere in Spring's binder: "1 2" would read as 12.
                "/v1/users?limit=1%202",
                "/v1/audit?limit=1%092",
                // Not text once decoded: Tomcat would read U+FFFD.
                "/v1/users?q=%FF",
                "/v1/users?q=%C0%AF",
                "/v1/users?q=%ED%A0%80",
                "/v1/users?q%00=a",
            })
    void anUnknownOrMalformedParameterIs400InvalidParameter(String path) {
        assertProblem(http.get(expand(path), admin), 400, "invalid_parameter");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {"/v1/tenants/{T}%20", "/v1/tenants/%20{T}", "/v1/users/{U}%09", "/v1/tenants/{T}/roles/{R}%01"})
    void aPathIdWithAnythingAroundItIs400NotReadAsTheId(String path) {
        assertProblem(http.get(expand(path), admin), 400, "invalid_parameter");
    }

    @Test
    void aMalformedIfMatchIs400AndChangesNothing() {
        String before = state();

        Http.Response response = patchIfMatch("/v1/tenants/" + tenant, admin, "{\"name\":\"x\"}", "\"abc\"");

        assertRefusedWithNothingWritten(before, response, 400, "invalid_parameter");
    }

    @Test
    void aTenTimesTooLongQIs400() {
        assertProblem(http.get("/v1/users?q=" + "a".repeat(10_000), admin), 400, "invalid_parameter");
    }

    // ---- JSON of the wrong shape

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource
    void aFieldOfTheWrongTypeOrMissingIs400InvalidField(String method, String path, String body) {
        String before = state();

        assertRefusedWithNothingWritten(before, send(method, path, body), 400, "invalid_field");
    }

    static Stream<Arguments> aFieldOfTheWrongTypeOrMissingIs400InvalidField() {
        return Stream.of(
                arguments("POST", "/v1/tenants", "{\"slug\": 5, \"name\": \"Five\"}"),
                arguments("POST", "/v1/tenants", "{\"slug\": \"five\", \"name\": [\"a\"]}"),
                arguments("POST", "/v1/tenants", "{\"slug\": \"five\", \"name\": {\"a\": 1}}"),
                arguments("POST", "/v1/tenants", "{\"slug\": \"five\", \"name\": true}"),
                arguments("POST", "/v1/tenants", "{\"slug\": \"five\", \"name\": null}"),
                arguments("POST", "/v1/tenants", "{\"slug\": \"five\"}"),
                arguments("POST", "/v1/tenants", "{}"),
                arguments("POST", "/v1/tenants", "{\"slug\": \"five\", \"name\": \"Five\", \"parent_id\": 5}"),
                arguments("POST", "/v1/tenants", "{\"slug\": \"five\", \"name\": \"Five\", \"external_id\": 5}"),
                arguments("POST", "/v1/tenants", "{\"slug\": \"five\", \"name\": \"\"}"),
                arguments("PATCH", "/v1/tenants/{T}", "{\"name\": [\"a\"]}"),
                arguments("PATCH", "/v1/tenants/{T}", "{\"name\": 5}"),
                arguments("PATCH", "/v1/tenants/{T}", "{\"name\": \" \"}"),
                arguments("PATCH", "/v1/tenants/{T}", "{\"slug\": false}"),
                arguments("PATCH", "/v1/tenants/{T}", "{\"parent_id\": \"acme\"}"),
                arguments("POST", "/v1/tenants/{T}/roles", "{\"slug\": \"r\", \"name\": \"R\", \"priority\": \"5\"}"),
                arguments("POST", "/v1/tenants/{T}/roles", "{\"slug\": \"r\", \"name\": \"R\", \"priority\": 1.5}"),
                arguments("POST", "/v1/tenants/{T}/roles", "{\"slug\": \"r\", \"name\": \"R\", \"priority\": 1e2}"),
                arguments("POST", "/v1/tenants/{T}/roles", "{\"slug\": \"r\", \"name\": \"R\", \"priority\": true}"),
                arguments("POST", "/v1/tenants/{T}/roles", "{\"slug\": \"r\", \"name\": \"R\", \"priority\": null}"),
                arguments(
                        "POST",
                        "/v1/tenants/{T}/roles",
                        "{\"slug\": \"r\", \"name\": \"R\", \"priority\": 99999999999999999999}"),
                arguments("PATCH", "/v1/tenants/{T}/roles/{R}", "{\"priority\": \"5\"}"),
                arguments("PATCH", "/v1/tenants/{T}/roles/{R}", "{\"name\": [\"a\"]}"),
                arguments("PUT", "/v1/tenants/{T}/members/{U}", "{\"role\": 5}"),
                arguments("PUT", "/v1/tenants/{T}/members/{U}", "{\"role\": [\"developer\"]}"),
                arguments("PUT", "/v1/tenants/{T}/members/{U}", "{\"role\": {\"slug\": \"developer\"}}"),
                arguments("PUT", "/v1/tenants/{T}/members/{U}", "{\"role\": null}"),
                arguments("PUT", "/v1/tenants/{T}/members/{U}", "{}"));
    }

    static Stream<Arguments> writeRoutes() {
        return Stream.of(
                arguments("POST", "/v1/tenants"),
                arguments("PATCH", "/v1/tenants/{T}"),
                arguments("POST", "/v1/tenants/{T}/roles"),
                arguments("PATCH", "/v1/tenants/{T}/roles/{R}"),
                arguments("PUT", "/v1/tenants/{T}/members/{U}"));
    }

    static Stream<Arguments> bodiesThatAreNotAJsonObject() {
        return writeRoutes()
                .flatMap(route -> Stream.of("[]", "\"x\"", "5", "null", "true", "{", "{\"name\":", "", "name=x", "[{}]")
                        .map(body -> arguments(route.get()[0], route.get()[1], body)));
    }

    @ParameterizedTest(name = "{0} {1} <{2}>")
    @MethodSource("bodiesThatAreNotAJsonObject")
    void aBodyThatIsNotAJsonObjectIs400MalformedBody(String method, String path, String body) {
        String before = state();

        assertRefusedWithNothingWritten(before, send(method, path, body), 400, "malformed_body");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("writeRoutes")
    void aBodyOverOneMebibyteIs413(String method, String path) {
        String before = state();
        String big = "{\"name\":\"" + "x".repeat(1_100_000) + "\",\"slug\":\"big\",\"role\":\"viewer\"}";

        Http.Response declared = http.send(http.request(expand(path), admin)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(big)));
        // A publisher of unknown length makes the client send Transfer-Encoding: chunked.
        Http.Response chunked = http.send(http.request(expand(path), admin)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        HttpRequest.BodyPublishers.fromPublisher(
                                HttpRequest.BodyPublishers.ofByteArray(big.getBytes(StandardCharsets.UTF_8)))));

        assertRefusedWithNothingWritten(before, declared, 413, "payload_too_large");
        assertRefusedWithNothingWritten(before, chunked, 413, "payload_too_large");
    }

    static Stream<Arguments> bodiesBeyondTheParsersLimits() {
        return Stream.of(
                arguments("deeply nested", "[".repeat(100_000) + "]".repeat(100_000)),
                arguments("deeply nested object", "{\"name\":" + "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_001)),
                arguments(
                        "a number of 100,000 digits",
                        "{\"slug\":\"n\",\"name\":\"N\",\"priority\":1" + "0".repeat(100_000) + "}"),
                arguments("a field name of 500,000 characters", "{\"" + "k".repeat(500_000) + "\":1,\"slug\":\"n\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodiesBeyondTheParsersLimits")
    void aBodyBeyondTheParsersLimitsIs400(String what, String body) {
        String before = state();

        Http.Response response = postJson("/v1/tenants", admin, body);

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("code").asString()).isIn("malformed_body", "invalid_field");
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void anUnknownRouteOrMethodIsAProblemToo() {
        assertProblem(http.get("/v1/tenantz", admin), 404, "not_found");
        assertProblem(http.call("PUT", "/v1/tenants", admin, "{}"), 405, "method_not_allowed");
        assertProblem(http.call("POST", "/v1/tenants/" + tenant, admin, "{}"), 405, "method_not_allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/html", "application/xml"})
    void anAnswerTheClientCannotAcceptIsStillAProblem(String accept) {
        Http.Response response = get("/v1/tenants/" + tenant, admin, Map.of("Accept", accept));

        assertThat(response.status()).isEqualTo(406);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("code").asString()).isEqualTo("not_acceptable");
    }

    @Test
    void aBodyThatIsNotJsonAtAllIs415() {
        String before = state();

        Http.Response response = http.send(http.request("/v1/tenants", admin)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"slug\":\"plain\",\"name\":\"Plain\"}")));

        assertRefusedWithNothingWritten(before, response, 415, "unsupported_media_type");
    }

    // ---- text that cannot be stored exactly, or is too long

    static Stream<Arguments> textFields() {
        return Stream.of(
                arguments("POST", "/v1/tenants", "{\"slug\":\"new-co\",\"name\":%s}"),
                arguments("POST", "/v1/tenants", "{\"slug\":\"new-co\",\"name\":\"N\",\"external_id\":%s}"),
                arguments("PATCH", "/v1/tenants/{T}", "{\"name\":%s}"),
                arguments("POST", "/v1/tenants/{T}/roles", "{\"slug\":\"new\",\"name\":%s,\"priority\":1}"),
                arguments("PATCH", "/v1/tenants/{T}/roles/{R}", "{\"name\":%s}"),
                arguments("PUT", "/v1/tenants/{T}/members/{U}", "{\"role\":%s}"));
    }

    /** JSON string literals of text Roster refuses: control characters, NUL, lone surrogates. */
    static final List<String> UNSTORABLE = List.of(
            "\"a\\u0000b\"",
            "\"\\u0000\"",
            "\"a\\ud800b\"",
            "\"a\\udc00\"",
            "\"\\ud800\"",
            "\"a\\u0001b\"",
            "\"a\\u0007b\"",
            "\"a\\bb\"",
            "\"a\\tb\"",
            "\"a\\nb\"",
            "\"a\\rb\"",
            "\"a\\u001bb\"",
            "\"a\\u007fb\"",
            "\"a\\u0085b\"",
            "\"a\\u009fb\"");

    static Stream<Arguments> unstorableText() {
        return textFields()
                .flatMap(field -> UNSTORABLE.stream()
                        .map(text ->
                                arguments(field.get()[0], field.get()[1], ((String) field.get()[2]).formatted(text))));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("unstorableText")
    void textWithControlCharactersNulOrLoneSurrogatesIs400InvalidField(String method, String path, String body) {
        String before = state();

        assertRefusedWithNothingWritten(before, send(method, path, body), 400, "invalid_field");
    }

    static Stream<Arguments> tooLongText() {
        return textFields()
                .map(field -> arguments(
                        field.get()[0],
                        field.get()[1],
                        ((String) field.get()[2]).formatted("\"" + "n".repeat(10_240) + "\"")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("tooLongText")
    void aTenKilobyteNameIs400InvalidField(String method, String path, String body) {
        String before = state();

        assertRefusedWithNothingWritten(before, send(method, path, body), 400, "invalid_field");
    }

    @Test
    void aTenKilobyteSlugIs400InvalidField() {
        String before = state();

        Http.Response response =
                postJson("/v1/tenants", admin, "{\"slug\":\"" + "a".repeat(10_240) + "\",\"name\":\"N\"}");

        assertRefusedWithNothingWritten(before, response, 400, "invalid_field");
    }

    @Test
    void aNameOfTwoHundredCharactersIsTakenAndOneMoreIsNot() {
        Http.Response fits = postJson("/v1/tenants", admin, "{\"slug\":\"fits\",\"name\":\"" + "n".repeat(200) + "\"}");
        String before = state();
        Http.Response over = postJson("/v1/tenants", admin, "{\"slug\":\"over\",\"name\":\"" + "n".repeat(201) + "\"}");

        assertThat(fits.status()).isEqualTo(201);
        assertRefusedWithNothingWritten(before, over, 400, "invalid_field");
    }

    @ParameterizedTest(name = "bytes {0}")
    @ValueSource(strings = {"ff", "c0af", "c1bf", "e080af", "f08080af", "eda080", "edb080", "f4908080", "80"})
    void aBodyThatIsNotUtf8Is400(String hex) {
        String before = state();
        byte[] prefix = "{\"slug\":\"bytes\",\"name\":\"a".getBytes(StandardCharsets.UTF_8);
        byte[] bad = HexFormat.of().parseHex(hex);
        byte[] suffix = "b\"}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[prefix.length + bad.length + suffix.length];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        System.arraycopy(bad, 0, body, prefix.length, bad.length);
        System.arraycopy(suffix, 0, body, prefix.length + bad.length, suffix.length);

        Http.Response response = http.send(http.request("/v1/tenants", admin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("code").asString()).isIn("malformed_body", "invalid_field");
        assertThat(state()).isEqualTo(before);
    }

    @ParameterizedTest(name = "q={0}")
    @ValueSource(strings = {"%ED%A0%80", "%FF", "a%C0%AFb"})
    void aQueryThatIsNotUtf8Is400(String q) {
        Http.Response response = http.get("/v1/users?q=" + q, admin);

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("code").asString()).isNotBlank();
    }

    // ---- SQL-shaped and Unicode-edge text is data

    @ParameterizedTest
    @ValueSource(
            strings = {
                SQL_SHAPED,
                "Robert'); DROP TABLE students;--",
                "\" OR 1=1 --",
                "%' OR '1'='1",
                "$$; DELETE FROM tenants; $$",
                "\\'; SELECT pg_sleep(10); --",
                "x' UNION SELECT email FROM users --"
            })
    void anSqlShapedNameIsStoredAndAnsweredExactly(String name) {
        String json = "{\"slug\":\"sql-co\",\"name\":" + jsonString(name) + "}";

        Http.Response created = postJson("/v1/tenants", admin, json);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();
        assertThat(created.json().path("name").asString()).isEqualTo(name);
        assertThat(http.get("/v1/tenants/" + id, admin).json().path("name").asString())
                .isEqualTo(name);
        assertThat(storedTenantName(id)).isEqualTo(name);
        assertThat(count("SELECT count(*) FROM users")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM tenants")).isEqualTo(3);
    }

    @Test
    void anSqlShapedSlugIs400InvalidField() {
        String before = state();

        Http.Response response =
                postJson("/v1/tenants", admin, "{\"slug\":" + jsonString(SQL_SHAPED) + ",\"name\":\"N\"}");

        assertRefusedWithNothingWritten(before, response, 400, "invalid_field");
    }

    @Test
    void anSqlShapedRoleNameIs400InvalidField() {
        String before = state();

        Http.Response response = assign(admin, tenant, user, "viewer' OR '1'='1");

        assertRefusedWithNothingWritten(before, response, 400, "invalid_field");
    }

    @ParameterizedTest
    @ValueSource(strings = {"q", "division", "department", "action", "actor", "target"})
    void anSqlShapedFilterFindsNothingAndHarmsNothing(String parameter) {
        String path = (List.of("action", "actor", "target").contains(parameter) ? "/v1/audit?" : "/v1/users?")
                + parameter + "=" + enc(SQL_SHAPED);
        String before = state();

        Http.Response response = http.get(path, admin);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().path("total").asLong()).isZero();
        assertThat(response.json().path("items").size()).isZero();
        assertThat(state()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "👩🏽‍💻 Dev Team",
                "Cafe\u0301", // e + combining acute: must not become the precomposed é
                "Caf\u00e9",
                "Zoë & Zoe\u0308",
                "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛",
                "עִבְרִית and العربية",
                "🏳️‍🌈🇺🇦",
                "a\u200db\u200c",
                "Z\u0351\u0352\u0353a\u0354\u0355l\u0356\u0357g\u0358o"
            })
    void emojiAndCombiningCharactersInANameAreStoredExactly(String name) {
        Http.Response created =
                postJson("/v1/tenants", admin, "{\"slug\":\"uni-co\",\"name\":" + jsonString(name) + "}");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();
        assertThat(created.json().path("name").asString()).isEqualTo(name);
        assertThat(storedTenantName(id)).isEqualTo(name);
        assertThat(http.get("/v1/tenants/" + id, admin).json().path("name").asString())
                .isEqualTo(name);
        Http.Response renamed = http.patchJson("/v1/tenants/" + tenant, admin, "{\"name\":" + jsonString(name) + "}");
        assertThat(renamed.json().path("name").asString()).isEqualTo(name);
        assertThat(storedTenantName(tenant)).isEqualTo(name);
        Http.Response roleRenamed = http.patchJson(
                "/v1/tenants/" + tenant + "/roles/" + role, admin, "{\"name\":" + jsonString(name) + "}");
        assertThat(roleRenamed.json().path("name").asString()).isEqualTo(name);
        assertThat(jdbc.sql("SELECT name FROM roles WHERE id = CAST(:id AS uuid)")
                        .param("id", role)
                        .query(String.class)
                        .single())
                .isEqualTo(name);
    }

    @Test
    void aPrecomposedAndADecomposedNameStayTwoDifferentNames() {
        String decomposed = postJson("/v1/tenants", admin, "{\"slug\":\"one\",\"name\":\"Cafe\\u0301\"}")
                .json()
                .path("id")
                .asString();
        String precomposed = postJson("/v1/tenants", admin, "{\"slug\":\"two\",\"name\":\"Caf\\u00e9\"}")
                .json()
                .path("id")
                .asString();

        assertThat(storedTenantName(decomposed)).isEqualTo("Cafe\u0301").hasSize(5);
        assertThat(storedTenantName(precomposed)).isEqualTo("Caf\u00e9").hasSize(4);
    }

    String storedTenantName(String id) {
        return jdbc.sql("SELECT name FROM tenants WHERE id = CAST(:id AS uuid)")
                .param("id", id)
                .query(String.class)
                .single();
    }

    static String jsonString(String text) {
        return JSON.writeValueAsString(text);
    }
}
