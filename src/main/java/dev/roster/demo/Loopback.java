package dev.roster.demo;

import dev.roster.platform.ErrorCode;
import dev.roster.platform.RosterException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Everything under {@code /demo} answers clients on this machine only; to anyone else it does not exist. */
final class Loopback {

    private static final List<String> PROXY_HEADERS =
            List.of("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP", "Via");

    private Loopback() {}

    /**
     * Only a client on this machine talking to it directly: a loopback peer on a loopback interface, and no proxy
     * in between (a reverse proxy or sidecar on the same host would make every remote caller look local). Anything
     * else is a {@code 404}.
     */
    static void require(HttpServletRequest request) {
        boolean proxied = PROXY_HEADERS.stream().anyMatch(h -> request.getHeader(h) != null);
        if (proxied || !isLoopback(request.getRemoteAddr()) || !isLoopback(request.getLocalAddr())) {
            throw new RosterException(ErrorCode.NOT_FOUND, "No such resource.");
        }
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
