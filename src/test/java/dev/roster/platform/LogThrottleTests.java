package dev.roster.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** A warning a client can provoke at will passes once per interval, saying how many were held back meanwhile. */
class LogThrottleTests {

    @Test
    void theFirstPassesThenTheRestAreHeldBackUntilTheIntervalIsOver() throws Exception {
        var throttle = new LogThrottle(Duration.ofMillis(200));

        assertThat(throttle.pass()).isEqualTo(OptionalLong.of(0));
        for (int i = 0; i < 1000; i++) {
            assertThat(throttle.pass()).isEmpty();
        }
        Thread.sleep(250);

        assertThat(throttle.pass()).isEqualTo(OptionalLong.of(1000));
        assertThat(throttle.pass()).isEmpty();
    }
}
