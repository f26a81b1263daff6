package dev.roster.demo;

import dev.roster.platform.PublicUrl;
import java.security.SecureRandom;
import java.util.Base64;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * How Roster's own REST directory connector reaches the demo upstream's directory simulator: a bean wherever the
 * simulator serves (dev mode, no OIDC issuer configured; see {@link DemoUpstreamCondition}), absent elsewhere, so
 * inject it as optional ({@code ObjectProvider<DemoDirectoryAccess>}).
 *
 * <p>IMPORTANT: {@code connectors} must not depend on {@code demo} (demo depends on connectors; ModularityTests
 * refuses the cycle). Whoever points a directory connector at the simulator does it from a package that may see both.
 */
@Component
@Conditional(DemoUpstreamCondition.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class DemoDirectoryAccess {

    private final PublicUrl publicUrl;
    private final String apiKey;

    DemoDirectoryAccess(PublicUrl publicUrl, DemoSettings settings) {
        this.publicUrl = publicUrl;
        String configured = settings.directoryApiKey();
        this.apiKey = configured != null && !configured.isBlank() ? configured : randomKey();
    }

    /**
     * {@code <public URL>/demo/directory}: the directory API is under {@code /api/v1} of it. Resolved on use (the
     * port is known only once the server listens). Loopback clients only, like all of {@code /demo}.
     */
    public String baseUrl() {
        return publicUrl.get() + "/demo/directory";
    }

    /** The key the directory API takes in {@code X-API-Key}: {@code ROSTER_DEMO_DIRECTORY_API_KEY}, else random. */
    public String apiKey() {
        return apiKey;
    }

    private static String randomKey() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
