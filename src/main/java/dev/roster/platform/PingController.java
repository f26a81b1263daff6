package dev.roster.platform;

import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The cheapest answer this server gives: no database, no authentication. A liveness check for load balancers that
 * should not touch actuator, and the benchmark's ceiling for what one request through this stack costs.
 */
@RestController
class PingController {

    private static final Map<String, String> PONG = Map.of("status", "ok");

    @GetMapping("/ping")
    Map<String, String> ping() {
        return PONG;
    }
}
