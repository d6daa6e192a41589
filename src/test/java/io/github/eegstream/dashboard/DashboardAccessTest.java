package io.github.eegstream.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.testing.TestRedis;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Host names the dashboard answers to, IPv6 addresses included: a browser sends {@code Host:
 * [::1]:8080} for {@code http://[::1]:8080/}, so {@code --allowed-host ::1} (bare or bracketed,
 * with or without a port) must allow exactly that, and nothing that merely contains it.
 */
class DashboardAccessTest {

    @Test
    void anAllowedHostIsNamedAsAHostHeaderNamesIt() {
        assertEquals("[::1]", DashboardAccess.allowedName("::1"));
        assertEquals("[::1]", DashboardAccess.allowedName("[::1]"));
        assertEquals("[::1]", DashboardAccess.allowedName("[::1]:8080"));
        assertEquals("[fd00::5]", DashboardAccess.allowedName(" FD00::5 "));
        assertEquals("dash.lab.example", DashboardAccess.allowedName("Dash.Lab.Example:8443"));
        assertEquals("10.0.0.7", DashboardAccess.allowedName("10.0.0.7"));
        for (String nothing : new String[] {"", " ", ":", ":8080", "[]", "[]:80", "[::1", null}) {
            assertNull(DashboardAccess.allowedName(nothing), String.valueOf(nothing));
        }
        assertThrows(IllegalArgumentException.class, () -> new DashboardAccess(null, List.of(":8080")));
        assertEquals("[::1]", DashboardAccess.hostName("[::1]:8080"));
        assertNull(DashboardAccess.hostName("[::1].evil.example"));
    }

    @Test
    void ipv6HostHeadersOfAllowedAddressesAreServedOthersRefused() throws Exception {
        DashboardAccess access = new DashboardAccess("a-token-for-this-test-0123", List.of("fd00::5", "[fd00::6]:8443"));
        try (Dashboard dashboard = new Dashboard(TestRedis.endpoint(), "127.0.0.1", 0, access)) {
            int port = dashboard.port();
            String bearer = "Bearer " + access.token();
            for (String host : List.of("[::1]:" + port, "[::1]", "[fd00::5]:" + port, "[FD00::6]")) {
                assertEquals(200, Http.get(port, "/api/live", "Host", host, "Authorization", bearer).status(), host);
            }
            assertEquals(200, Http.get(port, "/api/live", "Host", "[::1]:" + port, "Origin", "http://[::1]:" + port,
                    "Authorization", bearer).status(), "its own IPv6 origin");
            for (String host : List.of("::1", "[fd00::7]:" + port, "[fd00::5].evil.example", "fd00::5", "[::1]x")) {
                int status = Http.get(port, "/api/live", "Host", host, "Authorization", bearer).status();
                assertTrue(status == 403 || status == 400, host + ": " + status); // 400: the server finds it malformed
            }
        }
    }
}
