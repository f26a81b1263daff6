package dev.roster.authz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The grant index's matching rules, without a database: what the check endpoint answers from. */
class GrantIndexTests {

    static final String ALICE = "user:" + UUID.randomUUID();
    static final String DEVELOPERS = "role:global:" + UUID.randomUUID();

    static GrantIndex.Entry grant(String principal, String permission, String selector) {
        return new GrantIndex.Entry(UUID.randomUUID(), principal, permission, selector);
    }

    static String selectorOf(GrantIndex index, String permission, String resource) {
        GrantIndex.Entry hit = index.match(List.of(ALICE, DEVELOPERS), permission, resource);
        return hit == null ? "none" : hit.permission() + " " + hit.selector();
    }

    @Test
    void theMostSpecificMatchIsNamedAndNonMatchesAreNone() {
        var index = GrantIndex.of(
                true,
                List.of(
                        grant(ALICE, "docs:read", "*"),
                        grant(ALICE, "docs:read", "docs/*"),
                        grant(ALICE, "docs:read", "docs/2024/*"),
                        grant(ALICE, "docs:read", "docs/2024/q1"),
                        grant(ALICE, "files:*", "shared/*"),
                        grant(DEVELOPERS, "builds:run", "main")));

        assertThat(selectorOf(index, "docs:read", "docs/2024/q1")).isEqualTo("docs:read docs/2024/q1");
        assertThat(selectorOf(index, "docs:read", "docs/2024/q2")).isEqualTo("docs:read docs/2024/*");
        assertThat(selectorOf(index, "docs:read", "docs/2023")).isEqualTo("docs:read docs/*");
        assertThat(selectorOf(index, "docs:read", "elsewhere")).isEqualTo("docs:read *");
        assertThat(selectorOf(index, "docs:write", "docs/1")).isEqualTo("none");
        assertThat(selectorOf(index, "files:delete", "shared/x")).isEqualTo("files:* shared/*");
        assertThat(selectorOf(index, "files:delete", "private/x")).isEqualTo("none");
        assertThat(selectorOf(index, "file:delete", "shared/x")).isEqualTo("none");
        assertThat(selectorOf(index, "builds:run", "main")).isEqualTo("builds:run main");
        assertThat(selectorOf(index, "builds:run", "main2")).isEqualTo("none");
        assertThat(index.match(List.of(ALICE), "builds:run", "main")).isNull();
    }

    @Test
    void theUsersOwnGrantComesBeforeTheirRolesAndTheExactPermissionBeforeTheWildcard() {
        var index = GrantIndex.of(
                true,
                List.of(
                        grant(DEVELOPERS, "docs:read", "docs/1"),
                        grant(ALICE, "docs:*", "*"),
                        grant(ALICE, "docs:read", "*")));

        GrantIndex.Entry hit = index.match(List.of(ALICE, DEVELOPERS), "docs:read", "docs/1");

        assertThat(hit).isNotNull();
        assertThat(hit.principal()).isEqualTo(ALICE);
        assertThat(hit.permission()).isEqualTo("docs:read");
        assertThat(hit.selector()).isEqualTo("*");
    }

    @Test
    void manyPrefixesAreMatchedByTheResourcesOwnPrefixesNotByAScan() {
        var grants = new ArrayList<GrantIndex.Entry>();
        for (int i = 0; i < 10_000; i++) {
            grants.add(grant(ALICE, "docs:read", "tenant-" + i + "/*"));
            grants.add(grant(ALICE, "docs:read", "doc-" + i));
        }
        grants.add(grant(ALICE, "docs:read", "tenant-42/private/*"));
        var index = GrantIndex.of(true, grants);

        assertThat(selectorOf(index, "docs:read", "tenant-42/a")).isEqualTo("docs:read tenant-42/*");
        assertThat(selectorOf(index, "docs:read", "tenant-42/private/b")).isEqualTo("docs:read tenant-42/private/*");
        assertThat(selectorOf(index, "docs:read", "doc-9999")).isEqualTo("docs:read doc-9999");
        assertThat(selectorOf(index, "docs:read", "doc-10000")).isEqualTo("none");
        assertThat(selectorOf(index, "docs:read", "tenant-10000/a")).isEqualTo("none");
        assertThat(index.grantsOf(List.of(ALICE))).hasSize(20_001);
        assertThat(index.grantsOf(List.of(DEVELOPERS))).isEmpty();
    }

    @Test
    void aDeletedTenantsIndexSaysSo() {
        assertThat(GrantIndex.of(false, List.of()).live()).isFalse();
        assertThat(GrantIndex.of(true, List.of()).live()).isTrue();
    }
}
