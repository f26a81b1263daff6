package dev.roster.connectors;

import com.nimbusds.jose.JOSEException;
import java.net.URI;

/**
 * The OIDC provider's discovery document names another issuer than Roster is configured with. Its tokens carry that
 * other issuer, so no sign-in can succeed: a configuration error, not an outage. The message names both values.
 */
public class IssuerMismatch extends JOSEException {

    IssuerMismatch(String configured, String advertised, URI discovery) {
        super("ROSTER_OIDC_ISSUER is '" + configured + "' but the provider's discovery document (" + discovery
                + ") names issuer '" + advertised + "'; they must be equal, character for character"
                + hint(configured, advertised));
    }

    private static String hint(String configured, String advertised) {
        if (configured.replaceAll("/+$", "").equals(advertised.replaceAll("/+$", ""))) {
            return " (mind the trailing slash)";
        }
        return "";
    }
}
