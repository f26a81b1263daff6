package dev.roster.demo;

import dev.roster.platform.PublicUrl;
import dev.roster.platform.StartupBanner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/** The quickstart's three commands, printed at start-up whenever the demo identity provider serves. */
@Component
@Conditional(DemoUpstreamCondition.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class DemoBanner implements StartupBanner {

    private final PublicUrl publicUrl;

    DemoBanner(PublicUrl publicUrl) {
        this.publicUrl = publicUrl;
    }

    @Override
    public String text() {
        String url = publicUrl.get();
        return new StringBuilder()
                .append("Demo identity provider at ")
                .append(url)
                .append("/demo (not for production). Try:\n\n")
                .append("  ID_TOKEN=$(curl -s -d email=alice@example.com ")
                .append(url)
                .append("/demo/token | sed -E 's/.*\"id_token\":\"([^\"]+)\".*/\\1/')\n")
                .append("  ACCESS_TOKEN=$(curl -s ")
                .append(url)
                .append("/v1/auth/token")
                .append(" -d grant_type=urn:ietf:params:oauth:grant-type:token-exchange")
                .append(" -d subject_token_type=urn:ietf:params:oauth:token-type:id_token")
                .append(" -d subject_token=$ID_TOKEN | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')\n")
                .append("  curl -s ")
                .append(url)
                .append("/v1/me -H \"Authorization: Bearer $ACCESS_TOKEN\"\n")
                .append("\nadmin@example.com is a platform admin (ROSTER_BOOTSTRAP_ADMINS): sign in as them the same")
                .append(" way, then\n\n")
                .append("  curl -s ")
                .append(url)
                .append("/v1/tenants -H \"Authorization: Bearer $ACCESS_TOKEN\"\n")
                .append("  curl -s \"")
                .append(url)
                .append("/v1/users?q=ali\" -H \"Authorization: Bearer $ACCESS_TOKEN\"\n")
                .toString();
    }
}
