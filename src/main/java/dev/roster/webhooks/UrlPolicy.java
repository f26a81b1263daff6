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
            int third = b[2] & 0xff;
            if (first == 100 && second >= 64 && second <= 127) {
                return "carrier-grade NAT";
            }
            if (first == 198 && (second == 18 || second == 19)) {
                return "benchmarking";
            }
            if (first == 0
                    || first >= 240
                    || (first == 192 && second == 0 && (third == 0 || third == 2))
                    || (first == 198 && second == 51 && third == 100)
                    || (first == 203 && second == 0 && third == 113)
                    || (first == 192 && second == 88 && third == 99)) {
                return "reserved";
            }
        }
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return "private (unique local)";
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && b[2] == 0 && b[3] == 0) {
                return "Teredo tunnel";
            }
            // Forms that carry an IPv4 address are judged as that address: IPv4-mapped (::ffff:a.b.c.d),
            // IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::).
            byte[] v4 = embeddedIpv4(b);
            if (v4 != null) {
                try {
                    String kind = restricted(InetAddress.getByAddress(v4));
                    return kind == null ? null : kind + " (in IPv6)";
                } catch (UnknownHostException e) {
                    return "reserved";
                }
            }
        }
        return null;
    }

    private static byte @Nullable [] embeddedIpv4(byte[] b) {
        boolean zeros10 = true;
        for (int i = 0; i < 10; i++) {
            zeros10 &= b[i] == 0;
        }
        boolean mapped = zeros10 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zeros10 && b[10] == 0 && b[11] == 0;
        boolean nat64 =
                (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = b[i] == 0;
        }
        if (mapped || compatible || nat64) {
            return java.util.Arrays.copyOfRange(b, 12, 16);
        }
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            return java.util.Arrays.copyOfRange(b, 2, 6);
        }
        return null;
    }
}
