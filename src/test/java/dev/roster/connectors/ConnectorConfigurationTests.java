package dev.roster.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roster.connectors.UpstreamBudget.Priority;
import dev.roster.connectors.UpstreamDirectoryContract.RecordingBudget;
import dev.roster.platform.PublicUrl;
import dev.roster.platform.RosterProperties;
import dev.roster.support.TestInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** Which upstream signs users in and which answers pulls, for each combination of settings. */
class ConnectorConfigurationTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({RosterProperties.class, OidcSettings.class, DirectorySettings.class})
    static class Settings {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(Settings.class, ConnectorConfiguration.class)
            .withBean(PublicUrl.class)
            .withBean(JsonMapper.class, () -> JsonMapper.builder().build())
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withBean(Clock.class, Clock::systemUTC)
            .withPropertyValues("roster.dev-mode=false");

    @Test
    void aDirectoryAloneSignsUsersInAndAnswersPullsEvenInDevMode() {
        runner.withPropertyValues("roster.dev-mode=true", "roster.directory.base-url=http://directory.test/")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(UpstreamConnector.class))
                            .isInstanceOf(RestDirectoryConnector.class)
                            .isSameAs(context.getBean(UpstreamDirectory.class));
                    assertThat(context.getBean(UpstreamConnector.class).provider())
                            .isEqualTo("http://directory.test");
                    assertThat(context.getBean(OidcSettings.class)
                                    .demoUpstreamActive(
                                            context.getBean(RosterProperties.class),
                                            context.getBean(DirectorySettings.class)))
                            .isFalse();
                });
    }

    @Test
    void withOidcTheDirectoryOnlyAnswersPulls() {
        runner.withPropertyValues(
                        "roster.oidc.issuer=" + TestInfrastructure.issuer(),
                        "roster.oidc.audience=" + TestInfrastructure.AUDIENCE,
                        "roster.directory.base-url=http://directory.test")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(UpstreamConnector.class)).isInstanceOf(OidcConnector.class);
                    assertThat(context.getBean(UpstreamDirectory.class)).isInstanceOf(RestDirectoryConnector.class);
                });
    }

    @Test
    void withoutADirectoryThereIsNoDirectoryBean() {
        runner.withPropertyValues(
                        "roster.oidc.issuer=" + TestInfrastructure.issuer(),
                        "roster.oidc.audience=" + TestInfrastructure.AUDIENCE,
                        "roster.directory.base-url= ")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(UpstreamDirectory.class);
                    assertThat(context.getBeanProvider(UpstreamDirectory.class).getIfAvailable())
                            .isNull();
                });
    }

    @Test
    void inDevModeWithNothingConfiguredTheDemoProviderSignsUsersIn() {
        runner.withPropertyValues("roster.dev-mode=true").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(UpstreamConnector.class).provider()).endsWith("/demo");
            assertThat(context).doesNotHaveBean(UpstreamDirectory.class);
        });
    }

    @Test
    void outsideDevModeWithNothingConfiguredRosterRefusesToStartNamingBothWays() {
        runner.run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .hasStackTraceContaining("ROSTER_OIDC_ISSUER")
                    .hasStackTraceContaining("ROSTER_DIRECTORY_BASE_URL");
        });
    }

    @Test
    void theDirectoryTakesItsPermitsFromTheClustersBudgetWhenThereIsOne() {
        var budget = new RecordingBudget();
        runner.withBean(UpstreamBudget.class, () -> budget)
                .withPropertyValues(
                        "roster.directory.base-url=http://127.0.0.1:9",
                        "roster.directory.retry.max-attempts=1",
                        "roster.directory.connect-timeout=300ms")
                .run(context -> {
                    UpstreamDirectory directory = context.getBean(UpstreamDirectory.class);

                    assertThatThrownBy(() -> directory.fetch("ext-1", Priority.BACKGROUND))
                            .isInstanceOf(UpstreamCallFailed.class);
                    assertThat(budget.acquired).containsExactly(Priority.BACKGROUND);
                });
    }
}
