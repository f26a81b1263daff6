package example.documents;

import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;

/**
 * An application behind Roster, as its developers would write it (docs/authorization.md#downstream-services): a
 * Spring Security resource server that verifies Roster's access tokens itself, against Roster's JWKS, and asks
 * Roster's check API, as its own service account, whether the user may read the document. Deliberately outside
 * {@code dev.roster}: it knows Roster only through HTTP.
 */
@SpringBootApplication
@EnableWebSecurity
public class DocumentsService {

    public static void main(String[] args) {
        SpringApplication.run(DocumentsService.class, args);
    }

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .oauth2ResourceServer(server -> server.jwt(jwt -> {}))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .build();
    }

    /**
     * Roster's access tokens: RS256 only, signed by a key of Roster's JWKS (fetched and cached by Nimbus, refetched
     * on an unknown kid), {@code typ: at+jwt}, Roster as issuer, this deployment's audience, unexpired.
     */
    @Bean
    JwtDecoder rosterTokens(
            @Value("${roster.jwks-uri}") String jwksUri,
            @Value("${roster.issuer}") String issuer,
            @Value("${roster.audience}") String audience) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(jwksUri)
                .jwsAlgorithm(SignatureAlgorithm.RS256)
                .validateType(false) // the type is checked below: at+jwt (RFC 9068), not JWT
                .build();
        decoder.setJwtValidator(JwtValidators.createDefaultWithValidators(List.of(
                new JwtIssuerValidator(issuer),
                new JwtAudienceValidator(audience),
                new JwtTypeValidator("at+jwt", "application/at+jwt"))));
        return decoder;
    }

    @Bean
    RosterChecks rosterChecks(
            @Value("${roster.base-url}") String baseUrl,
            @Value("${roster.client-id}") String clientId,
            @Value("${roster.client-secret}") String clientSecret) {
        return new RosterChecks(baseUrl, clientId, clientSecret);
    }
}
