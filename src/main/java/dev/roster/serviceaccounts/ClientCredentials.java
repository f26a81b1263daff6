package dev.roster.serviceaccounts;

import dev.roster.platform.LogThrottle;
import dev.roster.platform.Text;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Authenticates a service account by its client id and secret (RFC 6749 §2.3.1). Outcomes are counted
 * ({@code roster_client_authentications_total{outcome}}); a refusal is logged with the client id, never the secret.
 */
@Component
public class ClientCredentials {

    private static final Logger log = LoggerFactory.getLogger(ClientCredentials.class);

    /** Compared against when the client is unknown, so that an unknown client costs what a wrong secret costs. */
    private static final byte[] NO_SECRET = ClientSecrets.hash("no such client");

    private final ServiceAccounts accounts;
    private final Counter succeeded;
    private final Counter failed;
    private final LogThrottle refusals = new LogThrottle(Duration.ofMinutes(1));

    ClientCredentials(ServiceAccounts accounts, MeterRegistry meters) {
        this.accounts = accounts;
        this.succeeded = Counter.builder("roster.client.authentications")
                .description("Client authentications at the token endpoint (client_credentials), by outcome")
                .tag("outcome", "success")
                .register(meters);
        this.failed = Counter.builder("roster.client.authentications")
                .description("Client authentications at the token endpoint (client_credentials), by outcome")
                .tag("outcome", "invalid_client")
                .register(meters);
    }

    /**
     * The service account's user id, or {@link InvalidClient}. Runs in the caller's transaction, which must open the
     * token's session: the account's user row stays share-locked until it commits, so a concurrent deactivation
     * either comes first (and this refuses) or waits and then ends that session too.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID authenticate(String clientId, String clientSecret) {
        byte[] presented = ClientSecrets.hash(clientSecret);
        List<ServiceAccounts.LiveSecret> secrets = accounts.liveSecrets(clientId);
        boolean match = false;
        for (ServiceAccounts.LiveSecret secret : secrets) {
            match |= ClientSecrets.matches(presented, secret.hash());
        }
        if (secrets.isEmpty()) {
            ClientSecrets.matches(presented, NO_SECRET);
        }
        if (!match || !secrets.getFirst().active()) {
            refused(clientId);
            throw new InvalidClient();
        }
        succeeded.increment();
        return secrets.getFirst().userId();
    }

    /** One WARN a minute at most (with how many since), so that a client retrying in a loop cannot flood the log. */
    private void refused(String clientId) {
        failed.increment();
        String shown = Text.printable(clientId.length() > 64 ? clientId.substring(0, 64) + "…" : clientId);
        OptionalLong heldBack = refusals.pass();
        if (heldBack.isPresent()) {
            log.warn(
                    "refused client authentication of '{}' (unknown client, wrong secret or deactivated account; {} more"
                            + " refusals since the previous warning)",
                    shown,
                    heldBack.getAsLong());
        } else {
            log.debug("refused client authentication of '{}'", shown);
        }
    }
}
