package dev.roster.outbox;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.roster.support.IntegrationTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Base of the outbox's tests: a Roster whose outbox routes every event to {@link StubTarget} targets (WireMock, real
 * HTTP), a fast schedule without jitter ({@code 0s, 2s, 1h}), and a clock the test moves.
 */
@Import(OutboxTest.StubTargets.class)
@TestPropertySource(
        properties = {
            "roster.outbox.schedule=0s,2s,1h",
            "roster.outbox.jitter=0",
            "roster.outbox.poll-interval=100ms",
            "roster.outbox.claim-timeout=10s"
        })
abstract class OutboxTest extends IntegrationTest {

    static final WireMockServer receiver = new WireMockServer(options().dynamicPort());
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static {
        receiver.start();
        Runtime.getRuntime().addShutdownHook(new Thread(receiver::stop));
    }

    @TestConfiguration
    static class StubTargets {

        @Bean
        StubTarget stubTarget() {
            return new StubTarget();
        }

        @Bean
        @Primary
        MutableClock testClock() {
            return new MutableClock();
        }
    }

    @Autowired
    Outbox outbox;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    MutableClock clock;

    @BeforeEach
    void emptyOutboxAndReceiver() {
        jdbc.sql("TRUNCATE outbox").update();
        receiver.resetAll();
        receiver.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(204)));
        StubTarget.base = receiver.baseUrl();
        StubTarget.routes = List.of("stub:a");
        clock.reset();
    }

    @AfterEach
    void stopRouting() {
        StubTarget.routes = List.of();
        clock.reset();
    }

    void append(String aggregateId, String type) {
        tx.executeWithoutResult(s -> outbox.append(Outbox.USER, aggregateId, type, Map.of("n", type), Origin.LOCAL));
    }

    /** What the receiver got at {@code path}, in arrival order. */
    static List<JsonNode> received(String path) {
        var out = new ArrayList<JsonNode>();
        receiver.getAllServeEvents().reversed().stream()
                .filter(e -> e.getRequest().getUrl().equals(path))
                .forEach(e -> out.add(JSON.readTree(e.getRequest().getBodyAsString())));
        return out;
    }

    static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.path("type").asString()).toList();
    }

    Map<String, Object> row(String type) {
        return jdbc.sql("SELECT attempts, next_attempt_at, delivered_at, dead_at, last_error, claimed_until"
                        + " FROM outbox WHERE event_type = :t")
                .param("t", type)
                .query()
                .singleRow();
    }

    static Instant instant(Object timestamp) {
        return ((java.sql.Timestamp) timestamp).toInstant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Several relay polls' worth of time, for asserting that something did not happen. */
    static void pause() {
        try {
            Thread.sleep(600);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
