package dev.roster.demo;

import dev.roster.connectors.DirectorySettings;
import dev.roster.connectors.OidcSettings;
import dev.roster.platform.RosterProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when Roster runs in dev mode with no upstream identity provider configured. */
class DemoUpstreamCondition implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        var binder = Binder.get(context.getEnvironment());
        return binder.bindOrCreate("roster.oidc", OidcSettings.class)
                .demoUpstreamActive(
                        binder.bindOrCreate("roster", RosterProperties.class),
                        binder.bindOrCreate("roster.directory", DirectorySettings.class));
    }
}
