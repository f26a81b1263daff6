package dev.roster.scim;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Bounds the statements of one SCIM list request ({@code roster.scim.statement-timeout}): a filter is the client's to
 * choose, and one that no index serves ({@code displayName co "a" or …} over every user) must not hold a connection
 * and a core for long. Set for the surrounding transaction only; what runs out is answered {@code 400 tooMany}.
 */
@Component
class ScimStatementTimeout {

    private static final String SET = "SELECT set_config('statement_timeout', :timeout, true)";

    private final JdbcClient jdbc;
    private final String timeout;

    ScimStatementTimeout(JdbcClient jdbc, ScimSettings settings) {
        this.jdbc = jdbc;
        this.timeout = settings.statementTimeout().toMillis() + "ms";
    }

    /** Inside the request's transaction, before its first statement that a filter shapes. */
    void apply() {
        jdbc.sql(SET).param("timeout", timeout).query(String.class).single();
    }
}
