package example.documents;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

/**
 * Asks Roster {@code POST /v1/authz/check} about a user, as this service's own service account: its access token is
 * obtained with the client-credentials grant and reused until a minute before it expires. Decisions are never
 * cached here: a revoked grant is refused on the very next request.
 */
public class RosterChecks {

    private static final Duration REFRESH_MARGIN = Duration.ofMinutes(1);

    private final RestClient roster;
    private final String clientId;
    private final String clientSecret;
    private final Clock clock = Clock.systemUTC();
    private volatile @Nullable ServiceToken token;

    RosterChecks(String baseUrl, String clientId, String clientSecret) {
        this.roster = RestClient.create(baseUrl);
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    record ServiceToken(String value, Instant renewAfter) {}

    record TokenAnswer(
            @JsonProperty("access_token") String accessToken,
            @JsonProperty("expires_in") long expiresIn) {}

    record Check(
            @JsonProperty("user_id") String userId,
            @JsonProperty("tenant_id") String tenantId,
            String permission,
            String resource) {}

    record CheckAnswer(boolean allowed) {}

    /** Whether Roster allows it. Our token refused (the account was rotated out or deactivated): one new token. */
    public boolean allowed(String userId, String tenantId, String permission, String resource) {
        var check = new Check(userId, tenantId, permission, resource);
        try {
            return ask(check);
        } catch (HttpClientErrorException.Unauthorized e) {
            token = null;
            return ask(check);
        }
    }

    private boolean ask(Check check) {
        CheckAnswer answer = roster.post()
                .uri("/v1/authz/check")
                .headers(headers -> headers.setBearerAuth(serviceToken()))
                .contentType(MediaType.APPLICATION_JSON)
                .body(check)
                .retrieve()
                .body(CheckAnswer.class);
        return answer != null && answer.allowed();
    }

    private String serviceToken() {
        ServiceToken current = token;
        if (current == null || !clock.instant().isBefore(current.renewAfter())) {
            current = newServiceToken();
        }
        return current.value();
    }

    /** RFC 6749 §4.4, client authentication by HTTP Basic. */
    private synchronized ServiceToken newServiceToken() {
        ServiceToken current = token;
        if (current != null && clock.instant().isBefore(current.renewAfter())) {
            return current; // another thread just got one
        }
        var form = new LinkedMultiValueMap<String, String>();
        form.add("grant_type", "client_credentials");
        TokenAnswer answer = roster.post()
                .uri("/v1/auth/token")
                .headers(headers -> headers.setBasicAuth(clientId, clientSecret))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(form)
                .retrieve()
                .body(TokenAnswer.class);
        if (answer == null) {
            throw new IllegalStateException("Roster answered no token");
        }
        Instant renewAfter = clock.instant().plusSeconds(answer.expiresIn()).minus(REFRESH_MARGIN);
        ServiceToken fresh = new ServiceToken(answer.accessToken(), renewAfter);
        token = fresh;
        return fresh;
    }
}
