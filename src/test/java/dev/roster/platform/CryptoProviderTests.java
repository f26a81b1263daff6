package dev.roster.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roster.support.IntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.Signature;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Access tokens are signed by the native provider where it loads, and the metric says which provider signs. */
class CryptoProviderTests extends IntegrationTest {

    private static final boolean LINUX_X86_64 = System.getProperty("os.name").equals("Linux")
            && System.getProperty("os.arch").matches("amd64|x86_64");

    @Autowired
    MeterRegistry meters;

    @Test
    void theNativeProviderSignsWhereItLoadsAndTheJdksElsewhere() throws Exception {
        String signing = Signature.getInstance("SHA256withRSA").getProvider().getName();

        assertThat(signing).isEqualTo(LINUX_X86_64 ? "AmazonCorrettoCryptoProvider" : "SunRsaSign");
        assertThat(CryptoProvider.isNative()).isEqualTo(LINUX_X86_64);
        assertThat(CryptoProvider.active()).startsWith(signing);
    }

    @Test
    void theMetricNamesTheProvider() {
        var gauge = meters.get("roster.crypto.provider.info")
                .tag("provider", CryptoProvider.active())
                .tag("native", Boolean.toString(LINUX_X86_64))
                .gauge();

        assertThat(gauge.value()).isEqualTo(1.0);
    }

    @Test
    void tokensSignedByTheActiveProviderVerify() {
        String access = accessToken("crypto", "crypto@example.com", java.util.Map.of());

        assertThat(http.get("/v1/me", access).status()).isEqualTo(200);
    }
}
