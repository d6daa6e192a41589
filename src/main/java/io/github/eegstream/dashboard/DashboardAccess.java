package io.github.eegstream.dashboard;

import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.UnauthorizedResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who may see the dashboard: every request must name an allowed host in its {@code Host} header (a
 * page of another site that rebinds its own name to 127.0.0.1 sends its own name there) and come
 * from the dashboard's own origin if it says where it comes from ({@code Origin}); a request for
 * data ({@code /api/*}, {@code /events}) must also carry the access token as
 * {@code Authorization: Bearer}. The printed address has the token in its fragment
 * ({@code /#token=T}), which browsers never send: the page's script reads it and sends it with its
 * own requests only. Not a cookie, which the browser would attach to every request to this host,
 * whoever's page made it, and not the query, which lands in server and proxy logs.
 */
public final class DashboardAccess {

    /** Environment variable with the token to use instead of a new random one. */
    public static final String TOKEN_ENV = "EEG_DASHBOARD_TOKEN";
    private static final int MIN_TOKEN_LENGTH = 16;

    private final byte[] token;
    private final String tokenText;
    private final Set<String> allowedHosts;

    /**
     * @param token the token, or null for a new random one
     * @param allowedHosts host names (without port) a request may address besides loopback's:
     *     the names under which the dashboard is reached when it is served beyond this machine
     */
    public DashboardAccess(String token, List<String> allowedHosts) {
        if (token != null && token.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException("the dashboard token must have at least " + MIN_TOKEN_LENGTH
                    + " characters (leave it out for a new random one)");
        }
        if (token != null && !token.matches("[A-Za-z0-9._~-]+")) {
            throw new IllegalArgumentException("the dashboard token may use only letters, digits and . _ ~ -");
        }
        this.tokenText = token != null ? token : randomToken();
        this.token = tokenText.getBytes(StandardCharsets.UTF_8);
        Set<String> hosts = new LinkedHashSet<>(List.of("127.0.0.1", "localhost", "[::1]"));
        for (String h : allowedHosts) {
            String name = allowedName(h);
            if (name == null) {
                throw new IllegalArgumentException("--allowed-host needs a host name or address, was '" + h + "'");
            }
            hosts.add(name);
        }
        this.allowedHosts = Set.copyOf(hosts);
    }

    /** A new random token; loopback names only. */
    public static DashboardAccess random() {
        return new DashboardAccess(null, List.of());
    }

    /** The token, for the URL printed to whoever started the dashboard. */
    public String token() {
        return tokenText;
    }

    /**
     * Lets the request through, or ends it: 403 for a foreign Host or Origin, and for {@code data}
     * 401 without the bearer token. The page's own files hold no data and are served without it
     * (the browser cannot send a fragment's token with the page's request).
     */
    void check(Context ctx, boolean data) {
        String host = hostName(ctx.header("Host"));
        if (host == null || !allowedHosts.contains(host)) {
            throw new ForbiddenResponse("this dashboard is not served under the host name in the request (" + host
                    + "); start it with --allowed-host NAME to serve it under another name");
        }
        String origin = ctx.header("Origin");
        if (origin != null && !isOwnOrigin(origin, ctx.header("Host"))) {
            throw new ForbiddenResponse("requests from other sites are refused");
        }
        if (!data) {
            return;
        }
        String authorization = ctx.header("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ") || !matches(authorization.substring(7).trim())) {
            throw new UnauthorizedResponse("this dashboard's data needs its access token: open the address it printed"
                    + " when it started (http://HOST:PORT/#token=...); a script sends Authorization: Bearer TOKEN");
        }
    }

    private boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
    }

    /** An Origin is ours if it is http(s)://{the request's own Host}. */
    private static boolean isOwnOrigin(String origin, String hostHeader) {
        String o = origin.toLowerCase(Locale.ROOT);
        String h = hostHeader == null ? "" : hostHeader.toLowerCase(Locale.ROOT);
        return o.equals("http://" + h) || o.equals("https://" + h);
    }

    /**
     * An {@code --allowed-host} as a Host header names it: lower case, without a port, and an IPv6
     * address in brackets ({@code ::1}, {@code [::1]} and {@code [::1]:8080} are all {@code [::1]});
     * null if it names nothing.
     */
    static String allowedName(String given) {
        if (given == null || given.isBlank()) {
            return null;
        }
        String h = given.trim().toLowerCase(Locale.ROOT);
        if (!h.startsWith("[") && h.indexOf(':') != h.lastIndexOf(':')) {
            h = "[" + h + "]"; // a bare IPv6 address: its colons are not a port
        }
        String name = hostName(h);
        return name == null || name.isEmpty() || name.equals("[]") || (name.startsWith("[") && !name.endsWith("]")) ? null : name;
    }

    /** The host name of a Host header, without its port; null if there is none. */
    static String hostName(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return null;
        }
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            if (end < 0) {
                return h;
            }
            // After the address only a port may follow: "[::1].evil.example" names no allowed host.
            return end + 1 == h.length() || h.charAt(end + 1) == ':' ? h.substring(0, end + 1) : null;
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private static String randomToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
