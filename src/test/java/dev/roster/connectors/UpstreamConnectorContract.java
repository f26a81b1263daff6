package dev.roster.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roster.connectors.UpstreamUser.RoleAssignment;
import dev.roster.connectors.UpstreamUser.UpstreamTenant;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every sign-in connector must do with the token a client brings (the contract of {@link UpstreamConnector}),
 * run against each implementation: accept the upstream's genuine tokens and map the user it names, refuse what the
 * upstream refuses with {@link InvalidUpstreamToken}, tell tokens apart, and report an unreachable upstream as an
 * outage. What only one kind of upstream can get wrong (a forged JWT) is tested beside that connector.
 */
abstract class UpstreamConnectorContract {

    /** The connector under test, trusting the upstream this test controls. */
    protected abstract UpstreamConnector connector();

    /** A connector like {@link #connector()}, but whose upstream cannot be reached. */
    protected abstract UpstreamConnector unreachableConnector();

    /**
     * A new genuine token of the upstream for Roster, naming this user, in the upstream's own form (claims, a
     * directory entry); its roles as the upstream would state them.
     */
    protected abstract String genuineToken(UpstreamUser user);

    /** A token of this upstream that the upstream itself no longer accepts (expired, revoked). */
    protected abstract String rejectedToken();

    protected static UpstreamUser user(String externalId, String email) {
        return new UpstreamUser(externalId, email, true, null, null, null, null, null, null, null, null, List.of());
    }

    @Test
    void aGenuineTokenYieldsTheUpstreamUserWithItsProfileAndRoles() {
        var stated = new UpstreamUser(
                "ext-1",
                " Ann@Example.com",
                true,
                null,
                "Ann",
                "Lee",
                null,
                null,
                null,
                null,
                null,
                List.of(
                        new RoleAssignment("tenant_admin", new UpstreamTenant("acme", "Acme Corp", null)),
                        new RoleAssignment("viewer", new UpstreamTenant("globex", "globex", null))));

        UpstreamUser user = connector().authenticate(genuineToken(stated)).user();

        assertThat(user.externalId()).isEqualTo("ext-1");
        assertThat(user.email()).isEqualTo("ann@example.com");
        assertThat(user.emailVerified()).isTrue();
        assertThat(user.firstName()).isEqualTo("Ann");
        assertThat(user.lastName()).isEqualTo("Lee");
        assertThat(user.roles())
                .containsExactly(
                        new RoleAssignment("tenant_admin", new UpstreamTenant("acme", "Acme Corp", null)),
                        new RoleAssignment("viewer", new UpstreamTenant("globex", "globex", null)));
    }

    @Test
    void eachTokenHasItsOwnIdentityAndIsAcceptableForAWhile() {
        String first = genuineToken(user("ext-1", "a@example.com"));
        String second = genuineToken(user("ext-1", "a@example.com"));

        UpstreamAuthentication a = connector().authenticate(first);
        UpstreamAuthentication again = connector().authenticate(first);
        UpstreamAuthentication b = connector().authenticate(second);

        assertThat(again.tokenId()).isEqualTo(a.tokenId());
        assertThat(b.tokenId()).isNotEqualTo(a.tokenId());
        assertThat(a.acceptableUntil()).isAfter(Instant.now());
    }

    @Test
    void aTokenTheUpstreamRejectsIsRefused() {
        assertRefused(rejectedToken());
    }

    @Test
    void somethingThatIsNoTokenOfTheUpstreamIsRefused() {
        assertRefused("not-a-token");
        assertRefused("a.b.c");
        assertRefused("");
        assertRefused("two words");
    }

    @Test
    void anUnreachableUpstreamIsAnOutageNotABadToken() {
        String token = genuineToken(user("ext-1", "a@example.com"));

        assertThatThrownBy(() -> unreachableConnector().authenticate(token)).isInstanceOf(UpstreamUnavailable.class);
    }

    protected void assertRefused(String token) {
        assertThatThrownBy(() -> connector().authenticate(token)).isInstanceOf(InvalidUpstreamToken.class);
    }
}
