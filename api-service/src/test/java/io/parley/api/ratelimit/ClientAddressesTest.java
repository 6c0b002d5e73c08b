package io.parley.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class ClientAddressesTest {

    private final ClientAddresses addresses = new ClientAddresses(settings("127.0.0.0/8", "::1", "10.0.0.0/8"));

    private static RateLimitSettings settings(String... trusted) {
        return new RateLimitSettings(true, null, null, null, null, 100, List.of(trusted));
    }

    private static MockHttpServletRequest from(String peer, String... forwardedFor) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/auth/login");
        request.setRemoteAddr(peer);
        for (String header : forwardedFor) {
            request.addHeader("X-Forwarded-For", header);
        }
        return request;
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItForwards() {
        assertThat(addresses.of(from("203.0.113.9", "198.51.100.1"))).hasValue("203.0.113.9");
    }

    @Test
    void behindATrustedProxyTheRightMostUntrustedForwardedAddressIsTheClient() {
        // the client wrote 1.2.3.4 itself; the gateway (10.0.0.5) appended the address it saw
        assertThat(addresses.of(from("10.0.0.5", "1.2.3.4, 198.51.100.7"))).hasValue("198.51.100.7");
        // through two trusted proxies, and over two headers
        assertThat(addresses.of(from("127.0.0.1", "1.2.3.4, 198.51.100.7", "10.0.0.9"))).hasValue("198.51.100.7");
    }

    @Test
    void aTrustedProxyThatNamesNoClientOrAnInvalidOneGivesNoKey() {
        assertThat(addresses.of(from("10.0.0.5"))).isEmpty();
        assertThat(addresses.of(from("10.0.0.5", "unknown"))).isEmpty();
        assertThat(addresses.of(from("10.0.0.5", "evil.example.com"))).isEmpty();
    }

    @Test
    void aClientInsideTheTrustedRangesHasNoKey() {
        assertThat(addresses.of(from("127.0.0.1"))).isEmpty();
        assertThat(addresses.of(from("10.0.0.5", "10.1.2.3"))).isEmpty();
    }

    @Test
    void peerAndHeaderAreReadUnderWrappersThatRewriteOrHideThem() {
        // what ForwardedHeaderFilter does: answer the left-most X-Forwarded-For entry, hide the header
        class ForwardedHeaderFilterLike extends HttpServletRequestWrapper {
            ForwardedHeaderFilterLike(HttpServletRequest request) {
                super(request);
            }

            @Override
            public String getRemoteAddr() {
                return "1.2.3.4";
            }

            @Override
            public java.util.Enumeration<String> getHeaders(String name) {
                return java.util.Collections.emptyEnumeration();
            }
        }

        assertThat(addresses.of(new ForwardedHeaderFilterLike(from("203.0.113.9", "1.2.3.4")))).hasValue("203.0.113.9");
        assertThat(addresses.of(new ForwardedHeaderFilterLike(from("10.0.0.5", "1.2.3.4, 198.51.100.7"))))
                .hasValue("198.51.100.7");
    }

    @Test
    void ipv6ClientsAreKeyedByTheirSlash64AndPortsAndBracketsAreIgnored() {
        assertThat(addresses.of(from("2001:db8:1:2:aaaa::1"))).hasValue("2001:db8:1:2:0:0:0:0/64");
        assertThat(addresses.of(from("2001:db8:1:2:bbbb::7"))).hasValue("2001:db8:1:2:0:0:0:0/64");
        assertThat(addresses.of(from("::1", "[2001:db8:9::1]:4711"))).hasValue("2001:db8:9:0:0:0:0:0/64");
        assertThat(addresses.of(from("10.0.0.5", "198.51.100.7:5555"))).hasValue("198.51.100.7");
    }

    @Test
    void onlyLiteralsAreAddresses() {
        assertThat(ClientAddresses.parse("198.51.100.7")).isNotNull();
        assertThat(ClientAddresses.parse("fe80::1")).isNotNull();
        assertThat(ClientAddresses.parse("localhost")).isNull();
        assertThat(ClientAddresses.parse("1.2.3")).isNull();
        assertThat(ClientAddresses.parse("256.1.1.1")).isNull();
        assertThat(ClientAddresses.parse(".:")).isNull();
        assertThat(ClientAddresses.parse("1:2")).isNull();
    }

    @Test
    void aTrustedProxyThatIsNotAnAddressStopsStartUp() {
        assertThatThrownBy(() -> new ClientAddresses(settings("gateway.internal")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gateway.internal");
    }
}
