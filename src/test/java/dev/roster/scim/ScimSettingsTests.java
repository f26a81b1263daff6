package dev.roster.scim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** {@code ROSTER_SCIM_MAX_RESULTS} bounds every list; {@code ROSTER_SCIM_TOKEN_OVERLAP=0s} ends a rotated token. */
@TestPropertySource(properties = {"roster.scim.max-results=2", "roster.scim.token-overlap=0s"})
class ScimSettingsTests extends ScimTest {

    @Test
    void listsNeverHoldMoreThanTheMaximumAndReadOutOfRangePagingAsTheRfcSays() {
        String acme = tenant("acme");
        for (String name : new String[] {"a", "b", "c", "d", "e"}) {
            user(name + "@acme.example", Map.of("username", name), acme);
        }
        Client client = scimClient("Entra", acme);

        JsonNode asked =
                scim(client.token(), "/Users?count=100&sortBy=userName").json();
        assertThat(asked.path("totalResults").asInt()).isEqualTo(5);
        assertThat(asked.path("itemsPerPage").asInt()).isEqualTo(2);
        assertThat(asked.path("Resources")).hasSize(2);
        JsonNode unasked = scim(client.token(), "/Users").json();
        assertThat(unasked.path("Resources")).hasSize(2);
        JsonNode groups = scim(client.token(), "/Groups?count=50").json();
        assertThat(groups.path("totalResults").asInt()).isEqualTo(5);
        assertThat(groups.path("Resources")).hasSize(2);

        // startIndex below 1 is 1, count below 0 is 0 (RFC 7644 §3.4.2.4).
        JsonNode fromZero =
                scim(client.token(), "/Users?startIndex=-3&sortBy=userName").json();
        assertThat(fromZero.path("startIndex").asInt()).isEqualTo(1);
        assertThat(fromZero.path("Resources").get(0).path("userName").asString())
                .isEqualTo("a");
        JsonNode none = scim(client.token(), "/Users?count=-1").json();
        assertThat(none.path("totalResults").asInt()).isEqualTo(5);
        assertThat(none.path("Resources")).isEmpty();

        assertThat(scim(client.token(), "/ServiceProviderConfig")
                        .json()
                        .path("filter")
                        .path("maxResults")
                        .asInt())
                .isEqualTo(2);
    }

    @Test
    void withoutOverlapARotationEndsTheOldTokenAtOnce() {
        Client client = scimClient("Entra", tenant("acme"));

        String next = http.post("/v1/scim-clients/" + client.id() + "/token:rotate", admin)
                .json()
                .path("token")
                .asString();

        assertThat(scim(client.token(), "/Users").status()).isEqualTo(401);
        assertThat(scim(next, "/Users").status()).isEqualTo(200);
    }
}
