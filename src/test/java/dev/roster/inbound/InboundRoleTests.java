package dev.roster.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.roster.support.Http;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The directory's own global roles, pushed as {@code role.*} events (seed 001: global roles are populated by the
 * provider's webhook events): created, renamed and deleted beside the five built-ins, which stay Roster's; memberships
 * that came before their role go through once it arrives; every node shows a change on its next request.
 */
class InboundRoleTests extends InboundTest {

    @Test
    void aGlobalRoleIsCreatedHeldRenamedOnEveryNodeAndDeletedOnceNoOneHoldsIt() throws Exception {
        Instant t = Instant.now().minusSeconds(60);
        String token = accessToken("u-1", "one@example.com", Map.of());
        ConfigurableApplicationContext other = startAnotherNode(Map.of());
        try {
            Http otherNode = httpOf(other);
            send("e-1", "role.created", t, "{\"slug\":\"admin\",\"name\":\"Admin\",\"priority\":250}");
            send("e-2", "membership.created", t.plusSeconds(1), membership("u-1", "acme", "admin"));
            awaitOutcome("e-2", "applied");

            JsonNode role = globalRole("admin");
            assertThat(role.path("external_id").asString()).isEqualTo("admin");
            assertThat(role.path("name").asString()).isEqualTo("Admin");
            assertThat(jdbc.sql("SELECT actor FROM audit_log WHERE action = 'role.created'")
                            .query(String.class)
                            .single())
                    .endsWith("(webhook)");
            assertThat(role.path("built_in").asBoolean()).isFalse();
            assertThat(role.path("priority").asInt()).isEqualTo(250);
            String urn = role.path("urn").asString();
            assertThat(urn).startsWith("role:global:");
            assertThat(roleOnMe(otherNode, token)).isEqualTo("admin");

            // A grant to the role applies to its holders.
            String tenant = tenantIdByExternalId("acme");
            Http.Response grant = http.postJson(
                    "/v1/tenants/" + tenant + "/grants",
                    admin,
                    "{\"principal\":\"" + urn + "\",\"permission\":\"docs:read\"}",
                    Map.of());
            assertThat(grant.status()).as(grant.body()).isEqualTo(201);
            assertThat(allowed(token, tenant)).isTrue();

            send("e-3", "role.updated", t.plusSeconds(2), "{\"slug\":\"administrator\",\"name\":\"Administrator\"}");
            // The upstream's id for a role without one is its slug: a new slug is another role.
            awaitOutcome("e-3", "applied");
            assertThat(globalRole("administrator").path("external_id").asString())
                    .isEqualTo("administrator");

            send(
                    "e-4",
                    "role.updated",
                    t.plusSeconds(3),
                    "{\"id\":\"admin\",\"slug\":\"owner\",\"name\":\"Owner\",\"priority\":260}");
            awaitOutcome("e-4", "applied");
            assertThat(globalRole("owner").path("urn").asString()).isEqualTo(urn);
            assertThat(globalRole("admin").isMissingNode()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> "owner".equals(roleOnMe(otherNode, token)));
            assertThat(roleOnMe(http, token)).isEqualTo("owner");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> slugs(otherNode).contains("owner")
                            && !slugs(otherNode).contains("admin"));
            assertThat(globalRole("owner").path("priority").asInt()).isEqualTo(260);

            // An update that says neither name nor priority keeps them.
            send("e-4b", "role.updated", t.plusSeconds(3), "{\"id\":\"admin\",\"slug\":\"owner\"}");
            awaitOutcome("e-4b", "unchanged");
            assertThat(globalRole("owner").path("name").asString()).isEqualTo("Owner");

            // A SCIM client sees it as a group of the tenant, not a built-in.
            Http.Response client = http.postJson(
                    "/v1/scim-clients", admin, "{\"name\":\"Entra\",\"tenant_ids\":[\"" + tenant + "\"]}", Map.of());
            assertThat(client.status()).as(client.body()).isEqualTo(201);
            Http.Response groups = http.get(
                    "/scim/v2/Groups?excludedAttributes=members&filter="
                            + java.net.URLEncoder.encode(
                                    "urn:roster:params:scim:schemas:extension:roster:2.0:Group:builtIn eq false",
                                    java.nio.charset.StandardCharsets.UTF_8),
                    client.json().path("token").asString());
            assertThat(groups.status()).as(groups.body()).isEqualTo(200);
            assertThat(groups.json().path("Resources").findValuesAsString("displayName"))
                    .containsExactlyInAnyOrder("acme/administrator", "acme/owner");

            // A legacy grant by its slug stood for it too.
            jdbc.sql("INSERT INTO grants (id, tenant_id, principal_urn, permission, selector, created_by)"
                            + " VALUES (gen_random_uuid(), CAST(:t AS uuid), 'role:owner', 'docs:write', '*', 'test')")
                    .param("t", tenant)
                    .update();

            // Held: refused, and it says why.
            send("e-5", "role.deleted", t.plusSeconds(4), "{\"id\":\"admin\",\"slug\":\"owner\"}");
            awaitOutcome("e-5", "refused");
            assertThat(detail("e-5")).contains("still held by 1 active member");
            assertThat(globalRole("owner").isMissingNode()).isFalse();

            send("e-6", "membership.deleted", t.plusSeconds(5), "{\"user_id\":\"u-1\",\"on\":{\"tenant\":\"acme\"}}");
            awaitOutcome("e-6", "applied");
            replay("e-5");
            awaitOutcome("e-5", "applied");
            assertThat(globalRole("owner").isMissingNode()).isTrue();
            assertThat(jdbc.sql("SELECT count(*) FROM grants WHERE principal_urn IN (:urn, 'role:owner')")
                            .param("urn", urn)
                            .query(Long.class)
                            .single())
                    .isZero();
            assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE action = 'grant.deleted'")
                            .query(Long.class)
                            .single())
                    .isEqualTo(2);

            // A late update, older than the deletion: recorded, skipped; the role stays gone.
            send("e-7", "role.updated", t.plusSeconds(3), "{\"id\":\"admin\",\"slug\":\"owner\",\"name\":\"Owner\"}");
            awaitOutcome("e-7", "stale");
            assertThat(globalRole("owner").isMissingNode()).isTrue();
        } finally {
            other.close();
        }
    }

    @Test
    void aMembershipThatCameBeforeItsRoleIsAppliedWhenTheRoleArrives() throws Exception {
        Instant t = Instant.now().minusSeconds(60);
        send("e-1", "user.created", t, user("u-1", "one@example.com", "One"));
        send("e-2", "membership.created", t.plusSeconds(1), membership("u-1", "acme", "member"));
        awaitOutcome("e-2", "refused");
        assertThat(detail("e-2")).contains("no role 'member'");

        send("e-3", "role.created", t, "{\"slug\":\"member\",\"name\":\"Member\"}");
        awaitOutcome("e-3", "applied");
        awaitOutcome("e-2", "applied");
        assertThat(jdbc.sql("SELECT r.slug FROM memberships m JOIN roles r ON r.id = m.role_id"
                                + " WHERE m.user_id = CAST(:u AS uuid)")
                        .param("u", userId("one@example.com"))
                        .query(String.class)
                        .list())
                .containsExactly("member");
    }

    @Test
    void theBuiltInsStayRostersOwn() throws Exception {
        Instant t = Instant.now().minusSeconds(60);
        send("e-1", "role.created", t, "{\"slug\":\"viewer\",\"name\":\"Looker\",\"priority\":900}");
        awaitOutcome("e-1", "unchanged");
        assertThat(detail("e-1")).contains("built-in");
        send("e-2", "role.deleted", t.plusSeconds(1), "{\"slug\":\"viewer\"}");
        awaitOutcome("e-2", "unchanged");

        JsonNode viewer = globalRole("viewer");
        assertThat(viewer.path("name").asString()).isEqualTo("Viewer");
        assertThat(viewer.path("priority").asInt()).isEqualTo(100);
        assertThat(viewer.path("built_in").asBoolean()).isTrue();

        // Nor may one of the upstream's roles take a built-in's slug by a rename.
        send("e-3", "role.created", t, "{\"id\":\"r-1\",\"slug\":\"reader\",\"name\":\"Reader\"}");
        send("e-4", "role.updated", t.plusSeconds(1), "{\"id\":\"r-1\",\"slug\":\"viewer\",\"name\":\"Viewer\"}");
        awaitOutcome("e-4", "refused");
        assertThat(detail("e-4")).contains("taken by a built-in role");
        assertThat(globalRole("reader").path("external_id").asString()).isEqualTo("r-1");

        // Nor one of another of the upstream's roles.
        send("e-5", "role.created", t.plusSeconds(2), "{\"id\":\"r-2\",\"slug\":\"reader\"}");
        awaitOutcome("e-5", "refused");
        assertThat(detail("e-5")).contains("taken by the upstream's role 'r-1'");

        // A role new to Roster without a name or priority: its slug, and 0.
        JsonNode reader = globalRole("reader");
        assertThat(reader.path("name").asString()).isEqualTo("Reader");
        send("e-6", "role.created", t, "{\"slug\":\"auditor\"}");
        awaitOutcome("e-6", "applied");
        assertThat(globalRole("auditor").path("name").asString()).isEqualTo("auditor");
        assertThat(globalRole("auditor").path("priority").asInt()).isZero();
    }

    @Test
    void aGlobalRoleMayNotHideATenantsOwnRole() throws Exception {
        String tenant = createTenant(admin, "initech");
        Http.Response own = http.postJson(
                "/v1/tenants/" + tenant + "/roles",
                admin,
                "{\"slug\":\"auditor\",\"name\":\"Auditor\",\"priority\":150}",
                Map.of());
        assertThat(own.status()).as(own.body()).isEqualTo(201);

        send("e-1", "role.created", Instant.now().minusSeconds(60), "{\"slug\":\"auditor\",\"name\":\"Auditor\"}");
        awaitOutcome("e-1", "refused");
        assertThat(detail("e-1")).contains("tenant " + tenant).contains("rename it");

        Http.Response renamed = http.patchJson(
                "/v1/tenants/" + tenant + "/roles/" + own.json().path("id").asString(),
                admin,
                "{\"slug\":\"initech-auditor\"}");
        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        replay("e-1");
        awaitOutcome("e-1", "applied");

        // And now the global role's slug is taken for every tenant's own.
        Http.Response again = http.postJson(
                "/v1/tenants/" + tenant + "/roles",
                admin,
                "{\"slug\":\"auditor\",\"name\":\"Auditor\",\"priority\":150}",
                Map.of());
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("code").asString()).isEqualTo("slug_taken");
        Http.Response onto = http.patchJson(
                "/v1/tenants/" + tenant + "/roles/" + own.json().path("id").asString(),
                admin,
                "{\"slug\":\"auditor\"}");
        assertThat(onto.status()).isEqualTo(409);

        // And a rename of the directory's role onto a tenant's own slug is refused like a creation.
        send(
                "e-2",
                "role.updated",
                Instant.now().minusSeconds(30),
                "{\"id\":\"auditor\",\"slug\":\"initech-auditor\"}");
        awaitOutcome("e-2", "refused");
        assertThat(detail("e-2")).contains("tenant " + tenant);
    }

    @Test
    void deletingARoleEndsTheDormantMembershipsThatStillNameIt() throws Exception {
        Instant t = Instant.now().minusSeconds(60);
        send("e-1", "role.created", t, "{\"slug\":\"member\"}");
        send("e-2", "user.created", t, user("u-1", "one@example.com", "One"));
        send("e-3", "membership.created", t.plusSeconds(1), membership("u-1", "acme", "member"));
        send("e-4", "user.created", t, user("u-2", "two@example.com", "Two"));
        send("e-5", "membership.created", t.plusSeconds(1), membership("u-2", "globex", "member"));
        awaitOutcome("e-5", "applied");
        awaitOutcome("e-3", "applied");
        // u-1 leaves (deactivated, memberships kept for a return); globex is deleted (memberships kept for audit).
        send("e-6", "user.deleted", t.plusSeconds(2), "{\"id\":\"u-1\"}");
        send("e-7", "tenant.deleted", t.plusSeconds(2), "{\"tenant\":\"globex\"}");
        awaitOutcome("e-6", "applied");
        awaitOutcome("e-7", "applied");

        send("e-8", "role.deleted", t.plusSeconds(3), "{\"slug\":\"member\"}");
        awaitOutcome("e-8", "applied");
        assertThat(globalRole("member").isMissingNode()).isTrue();
        assertThat(jdbc.sql("SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id"
                                + " WHERE u.email IN ('one@example.com', 'two@example.com')")
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE action = 'membership.revoked'")
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
    }

    @Test
    void aRoleEventIgnoredByAnEarlierRosterCanBeReplayed() throws Exception {
        send("e-1", "role.created", Instant.now().minusSeconds(60), "{\"slug\":\"member\"}");
        awaitOutcome("e-1", "applied");
        // As an earlier Roster recorded it.
        jdbc.sql("DELETE FROM roles WHERE external_id = 'member'").update();
        jdbc.sql("DELETE FROM inbound_facts").update();
        jdbc.sql("UPDATE inbound_events SET outcome = 'ignored'").update();
        jdbc.sql("SELECT pg_notify('roster_invalidation', 'global-roles:reset')")
                .query()
                .singleValue();

        replay("e-1");
        awaitOutcome("e-1", "applied");
        assertThat(globalRole("member").path("external_id").asString()).isEqualTo("member");
    }

    @Test
    void aRoleRecordThatDoesNotFitIsRefusedAtTheDoor() throws Exception {
        Instant t = Instant.now();
        assertThat(send("e-1", "role.created", t, "{\"name\":\"Admin\"}").status())
                .isEqualTo(400); // no slug
        assertThat(send("e-2", "role.created", t, "{\"slug\":\"Admin Role\"}").status())
                .isEqualTo(400);
        assertThat(send("e-3", "role.created", t, "{\"slug\":\"admin\",\"priority\":5000}")
                        .status())
                .isEqualTo(400);
        assertThat(send("e-4", "role.updated", t, "{\"slug\":\"admin\",\"priority\":\"high\"}")
                        .status())
                .isEqualTo(400);
        assertThat(jdbc.sql("SELECT count(*) FROM inbound_events")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    private JsonNode globalRole(String slug) {
        Http.Response roles = http.get("/v1/roles", admin);
        assertThat(roles.status()).isEqualTo(200);
        for (JsonNode role : roles.json().path("items")) {
            if (role.path("slug").asString().equals(slug)) {
                return role;
            }
        }
        return tools.jackson.databind.node.MissingNode.getInstance();
    }

    private java.util.List<String> slugs(Http node) {
        return node.get("/v1/roles", admin).json().path("items").findValuesAsString("slug");
    }

    private static String roleOnMe(Http node, String token) {
        Http.Response me = node.get("/v1/me", token);
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        return me.json().path("memberships").path(0).path("role").asString();
    }

    private boolean allowed(String token, String tenant) {
        Http.Response answer = http.postJson(
                "/v1/authz/check",
                token,
                "{\"tenant_id\":\"" + tenant + "\",\"permission\":\"docs:read\",\"resource\":\"docs/1\"}",
                Map.of());
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json().path("allowed").asBoolean();
    }

    private String detail(String eventId) {
        return jdbc.sql("SELECT detail FROM inbound_events WHERE event_id = :id")
                .param("id", eventId)
                .query(String.class)
                .single();
    }

    private void replay(String eventId) {
        long id = jdbc.sql("SELECT id FROM inbound_events WHERE event_id = :id")
                .param("id", eventId)
                .query(Long.class)
                .single();
        Http.Response replayed =
                http.postJson("/v1/webhook-sources/directory/events/" + id + ":replay", admin, "", Map.of());
        assertThat(replayed.status()).as(replayed.body()).isEqualTo(200);
    }
}
