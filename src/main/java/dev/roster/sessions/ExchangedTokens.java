package dev.roster.sessions;

import dev.roster.connectors.UpstreamAuthentication;
import java.time.ZoneOffset;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The upstream tokens already exchanged for a session, so that each is exchanged once: a stolen or logged ID token
 * cannot open session after session until it expires. Kept as a SHA-256 of the provider and the token's id, until
 * the connector would refuse the token anyway; {@link SessionCleanup} deletes them after that.
 */
@Repository
class ExchangedTokens {

    private static final String RECORD = """
            INSERT INTO exchanged_upstream_tokens (token_hash, expires_at) VALUES (:hash, :expiresAt)
            ON CONFLICT (token_hash) DO NOTHING
            """;

    private final JdbcClient jdbc;

    ExchangedTokens(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records the token as exchanged, in the transaction that opens its session; false when it was exchanged before
     * (a concurrent exchange of the same token waits for the first to commit, then gets false).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean firstExchange(String provider, UpstreamAuthentication token) {
        return jdbc.sql(RECORD)
                        .param("hash", Sha256.of(provider + "\n" + token.tokenId()))
                        .param("expiresAt", token.acceptableUntil().atOffset(ZoneOffset.UTC))
                        .update()
                == 1;
    }
}
