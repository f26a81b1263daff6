package dev.roster.platform;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs Amazon Corretto Crypto Provider (native AWS-LC) as the preferred JCA provider where it loads (Linux
 * x86-64), so that RSA signing of access tokens runs at the CPU's native speed, about four times the JDK's own
 * provider. Elsewhere, or with {@code ROSTER_CRYPTO_PROVIDER=jdk}, the JDK's providers stay, with one log line saying
 * so. Nothing else changes: nimbus-jose-jwt asks JCA for {@code SHA256withRSA} and gets whichever provider is first.
 *
 * <p>Installed before Spring starts (from {@code RosterApplication}'s static initialiser), so that every signature,
 * digest and random number of the process comes from one provider.
 */
public final class CryptoProvider {

    private static final Logger log = LoggerFactory.getLogger(CryptoProvider.class);
    static final String SETTING = "ROSTER_CRYPTO_PROVIDER";

    private static volatile String active = "";

    private CryptoProvider() {}

    /** Installs the native provider unless configured not to or it cannot load; idempotent. */
    public static synchronized void install() {
        if (!active.isEmpty()) {
            return;
        }
        String wanted = configured();
        if (wanted.equals("jdk")) {
            active = describe(signatureProvider());
            log.info("crypto provider: {} ({}=jdk)", active, SETTING);
            return;
        }
        try {
            Throwable loadingError = AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError();
            if (loadingError == null) {
                AmazonCorrettoCryptoProvider.install();
                try {
                    AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
                } catch (RuntimeException unhealthy) {
                    Security.removeProvider(AmazonCorrettoCryptoProvider.PROVIDER_NAME);
                    throw unhealthy;
                }
                active = describe(signatureProvider());
                return;
            }
            active = describe(signatureProvider());
            log.info(
                    "crypto provider: {}; the native provider (ACCP) does not load on {} {}: {}",
                    active,
                    System.getProperty("os.name"),
                    System.getProperty("os.arch"),
                    loadingError.toString());
        } catch (LinkageError | RuntimeException e) {
            active = describe(signatureProvider());
            log.info("crypto provider: {}; the native provider (ACCP) is unavailable: {}", active, e.toString());
        }
    }

    /** The provider that signs access tokens, e.g. {@code AmazonCorrettoCryptoProvider 2.5.0}. */
    public static String active() {
        install();
        return active;
    }

    /** Whether the native provider signs. */
    public static boolean isNative() {
        return active().startsWith(AmazonCorrettoCryptoProvider.PROVIDER_NAME);
    }

    private static String configured() {
        String value = System.getProperty("roster.crypto.provider", System.getenv(SETTING));
        return value == null ? "auto" : value.trim().toLowerCase(Locale.ROOT);
    }

    private static Provider signatureProvider() {
        try {
            return Signature.getInstance("SHA256withRSA").getProvider();
        } catch (java.security.NoSuchAlgorithmException e) {
            return Security.getProviders()[0];
        }
    }

    private static String describe(Provider provider) {
        return provider.getName() + " " + provider.getVersionStr();
    }
}
