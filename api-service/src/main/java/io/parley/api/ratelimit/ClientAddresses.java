package io.parley.api.ratelimit;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.stereotype.Component;

/**
 * Who the client of a request is, for the per-address limits.
 *
 * <p>The client is the TCP peer, unless the peer is a trusted proxy ({@code parley.rate-limits
 * .trusted-proxies}); then {@code X-Forwarded-For} is read from the right, skipping trusted proxies,
 * and the first address that is not one is the client (the algorithm of Tomcat's RemoteIpValve).
 * Entries left of it were written by the client or by proxies we do not know, so they are never
 * believed: a client cannot pick its own key.
 *
 * <p>Peer and header are taken from the container's own request, under any wrapper: api-service runs
 * with {@code server.forward-headers-strategy: framework}, whose ForwardedHeaderFilter makes
 * {@code getRemoteAddr()} answer the left-most {@code X-Forwarded-For} entry, from whoever sent it,
 * and hides the {@code X-Forwarded-*} headers themselves.
 *
 * <p>No key (empty) when the client is itself a trusted address, or when a trusted proxy forwarded
 * the request without naming a valid client address: a trusted host could name any client it likes,
 * so limiting it per address would stop nobody, and lumping every client behind a proxy under the
 * proxy's address would make the per-address limit one limit for everyone.
 *
 * <p>IPv6 clients are keyed by their /64 network: one subscriber usually holds a whole /64.
 */
@Component
public class ClientAddresses {

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV4_WITH_PORT = Pattern.compile("([0-9.]+):\\d{1,5}");
    private static final Pattern IPV6 = Pattern.compile("(?=.*:)[0-9A-Fa-f:][0-9A-Fa-f:.]*");

    private final List<IpAddressMatcher> trustedProxies;

    public ClientAddresses(RateLimitSettings settings) {
        List<IpAddressMatcher> matchers = new ArrayList<>();
        for (String proxy : settings.trustedProxies()) {
            String range = proxy.trim();
            String address = range.contains("/") ? range.substring(0, range.indexOf('/')) : range;
            if (parse(address) == null) {
                throw new IllegalArgumentException("parley.rate-limits.trusted-proxies: '" + proxy
                        + "' is not an IP address or CIDR range");
            }
            matchers.add(new IpAddressMatcher(range));
        }
        this.trustedProxies = List.copyOf(matchers);
    }

    /** The key of the request's client for per-address limits; empty when it has none (see the class). */
    public Optional<String> of(HttpServletRequest request) {
        HttpServletRequest raw = containerRequest(request);
        InetAddress client = parse(raw.getRemoteAddr());
        if (client == null) {
            return Optional.empty();
        }
        if (isTrusted(client)) {
            List<String> hops = forwardedFor(raw);
            for (int i = hops.size() - 1; i >= 0 && isTrusted(client); i--) {
                client = parse(hops.get(i));
                if (client == null) {
                    return Optional.empty(); // a trusted proxy passed on something that is not an address
                }
            }
            if (isTrusted(client)) {
                return Optional.empty();
            }
        }
        return Optional.of(key(client));
    }

    /** The container's own request: its peer address and headers, as they came off the socket. */
    private static HttpServletRequest containerRequest(HttpServletRequest request) {
        ServletRequest raw = request;
        while (raw instanceof ServletRequestWrapper wrapper) {
            raw = wrapper.getRequest();
        }
        return raw instanceof HttpServletRequest http ? http : request;
    }

    private static List<String> forwardedFor(HttpServletRequest request) {
        List<String> hops = new ArrayList<>();
        for (String header : Collections.list(request.getHeaders("X-Forwarded-For"))) {
            for (String hop : header.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.trim());
                }
            }
        }
        return hops;
    }

    private boolean isTrusted(InetAddress address) {
        String literal = address.getHostAddress();
        for (IpAddressMatcher proxy : trustedProxies) {
            if (proxy.matches(literal)) {
                return true;
            }
        }
        return false;
    }

    private static String key(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] network = address.getAddress();
            java.util.Arrays.fill(network, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(network).getHostAddress() + "/64";
            } catch (UnknownHostException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return address.getHostAddress();
    }

    /**
     * An IPv4 or IPv6 literal (a port, and brackets around IPv6, allowed) as an address; null for
     * anything else. Never resolves a name: only strings that are literals reach InetAddress.
     */
    static InetAddress parse(String text) {
        if (text == null) {
            return null;
        }
        String literal = text.trim();
        if (literal.startsWith("[")) {
            int end = literal.indexOf(']');
            if (end < 0) {
                return null;
            }
            literal = literal.substring(1, end);
        } else {
            var withPort = IPV4_WITH_PORT.matcher(literal);
            if (withPort.matches()) {
                literal = withPort.group(1);
            }
        }
        if (!IPV4.matcher(literal).matches() && !IPV6.matcher(literal).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(literal); // a literal: parsed, not looked up
        } catch (UnknownHostException | IllegalArgumentException notAnAddress) {
            return null;
        }
    }
}
