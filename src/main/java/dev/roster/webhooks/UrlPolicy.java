package dev.roster.webhooks;

import dev.roster.platform.JsonBody;
import dev.roster.platform.RosterProperties;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Where the change feed may send: an absolute {@code https} URL (or {@code http} where allowed) whose host resolves
 * only to public addresses, unless private networks are allowed ({@code ROSTER_WEBHOOKS_ALLOW_PRIVATE_NETWORKS}; dev
 * mode allows loopback). Checked when a subscription is written and again before every delivery, since what a name
 * resolves to can change.
 */
@Component
public class UrlPolicy {

    static final int MAX_URL = 2048;

    private final WebhookSettings settings;
    private final boolean devMode;

    UrlPolicy(WebhookSettings settings, RosterProperties roster) {
        this.settings = settings;
        this.devMode = roster.isDevMode();
    }

    /** {@code url} as a subscriber URL, else {@code 400 invalid_field} naming {@code field} and why. */
    public URI require(String field, String url) {
        URI uri = parse(url);
        String refusal =
                uri == null ? "must be an absolute http(s) URL without credentials or fragment." : refusal(uri);
        if (refusal != null) {
            throw JsonBody.invalid(field, refusal);
        }
        return uri;
    }

    static @Nullable URI parse(String url) {
        if (url.length() > MAX_URL) {
            return null;
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute()
                    || !(scheme.equals("https") || scheme.equals("http"))
                    || uri.getHost() == null
                    || uri.getRawUserInfo() != null
                    || uri.getRawFragment() != null) {
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** Why {@code uri} may not be sent to now, or null when it may. Resolves its host (blocking). */
    public @Nullable String refusal(URI uri) {
        if (uri.getScheme().equalsIgnoreCase("http") && !settings.allowHttp() && !devMode) {
            return "must use https (ROSTER_WEBHOOKS_ALLOW_HTTP=true allows http).";
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            return "names a host that does not resolve: " + uri.getHost() + ".";
        }
        for (InetAddress address : addresses) {
            String kind = restricted(address);
            if (kind != null && !settings.allowPrivateNetworks() && !(devMode && address.isLoopbackAddress())) {
                return "resolves to a " + kind + " address (" + address.getHostAddress()
                        + "), which webhooks may not reach (ROSTER_WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true allows it).";
            }
        }
        return null;
    }

    /** What kind of non-public address this is, or null for a public one. */
    static @Nullable String restricted(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return "loopback";
        }
        if (address.isAnyLocalAddress()) {
            return "wildcard";
        }
        if (address.isLinkLocalAddress()) {
            return "link-local";
        }
        if (address.isSiteLocalAddress()) {
            return "private";
        }
        if (address.isMulticastAddress()) {
            return "multicast";
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 100 && second >= 64 && second <= 127) {
                return "carrier-grade NAT";
            }
            if (first == 0 || first >= 240 || (first == 192 && second == 0 && (b[2] & 0xff) == 0)) {
                return "reserved";
            }
        }
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return "private (unique local)";
            }
            // IPv4-mapped (::ffff:a.b.c.d): judged as the IPv4 address it carries.
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return restricted(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException e) {
                    return "reserved";
                }
            }
        }
        return null;
    }
}
