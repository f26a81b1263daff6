package dev.roster.demo;

import dev.roster.connectors.DirectorySettings;
import dev.roster.connectors.RestDirectoryConnector;
import dev.roster.connectors.UpstreamBudget;
import dev.roster.connectors.UpstreamDirectory;
import dev.roster.connectors.UpstreamRoleWriter;
import dev.roster.connectors.UpstreamUser;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * In dev mode with the demo upstream, Roster pulls from its own directory simulator: dev mode pulls from the
 * directory simulator, so the tour shows a role changed upstream ({@code PUT /demo/directory/users/{email}/roles})
 * arriving after a refresh. A configured {@code ROSTER_DIRECTORY_BASE_URL} turns the demo upstream off altogether.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(DemoUpstreamCondition.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class DemoDirectoryWiring {

    @Bean
    UpstreamDirectory demoUpstreamDirectory(
            DemoDirectoryAccess access,
            DirectorySettings settings,
            JsonMapper json,
            MeterRegistry meters,
            Clock clock,
            ObjectProvider<UpstreamBudget> budget,
            DemoSettings demo) {
        return new Lazy(
                demo.directoryWriteBack(),
                () -> new RestDirectoryConnector(
                        settings.pointingAt(access.baseUrl(), access.apiKey()),
                        json,
                        budget.getIfAvailable(() -> UpstreamBudget.UNLIMITED),
                        meters,
                        clock));
    }

    /** The simulator's address is known only once the server listens: the connector is made on first use. */
    private static final class Lazy implements UpstreamDirectory, UpstreamRoleWriter {

        private final boolean writesBack;
        private final java.util.function.Supplier<RestDirectoryConnector> factory;
        private volatile RestDirectoryConnector connector;

        Lazy(boolean writesBack, java.util.function.Supplier<RestDirectoryConnector> factory) {
            this.writesBack = writesBack;
            this.factory = factory;
        }

        private RestDirectoryConnector connector() {
            RestDirectoryConnector c = connector;
            if (c == null) {
                synchronized (this) {
                    c = connector;
                    if (c == null) {
                        c = factory.get();
                        connector = c;
                    }
                }
            }
            return c;
        }

        @Override
        public Lookup fetch(String externalId, UpstreamBudget.Priority priority) {
            return connector().fetch(externalId, priority);
        }

        @Override
        public List<UpstreamUser> search(String query, int limit) {
            return connector().search(query, limit);
        }

        /** The simulator takes Roster's membership changes back, unless ROSTER_DEMO_DIRECTORY_WRITE_BACK=false. */
        @Override
        public boolean writesBack() {
            return writesBack;
        }

        @Override
        public void assign(String userExternalId, String tenantKey, String role, String idempotencyKey) {
            connector().assign(userExternalId, tenantKey, role, idempotencyKey);
        }

        @Override
        public void revoke(String userExternalId, String tenantKey, String idempotencyKey) {
            connector().revoke(userExternalId, tenantKey, idempotencyKey);
        }
    }
}
