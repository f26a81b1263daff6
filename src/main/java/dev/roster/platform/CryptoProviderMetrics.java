package dev.roster.platform;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/** {@code roster_crypto_provider_info{provider, native}} = 1: which JCA provider signs access tokens. */
@Component
class CryptoProviderMetrics implements MeterBinder {

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("roster.crypto.provider.info", () -> 1)
                .description("The JCA provider that signs access tokens")
                .tag("provider", CryptoProvider.active())
                .tag("native", Boolean.toString(CryptoProvider.isNative()))
                .register(registry);
    }
}
