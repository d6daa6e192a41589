package io.github.eegstream.cli;

import io.github.eegstream.dashboard.Dashboard;
import io.github.eegstream.dashboard.DashboardAccess;
import io.github.eegstream.redis.RedisEndpoint;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code eeg dashboard}: the live web dashboard. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Serves a live web dashboard of every user on Redis.",
            "EEG traces, band powers, signal quality, predictions (the job's and anyone else's) and alerts.",
            "Open the printed address (it carries the access token) in a browser.",
            "Serves 127.0.0.1 only by default; requests need the token, and a Host and Origin it expects."})
final class DashboardCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT",
            description = "Port to serve on; 0 for any free one. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address to serve on (0.0.0.0: every interface; see --allowed-host). Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "The access token (default: $" + DashboardAccess.TOKEN_ENV + ", else a new random one, printed in the URL).")
    String token;

    @Option(names = "--allowed-host", paramLabel = "NAME",
            description = "A host name the page may be requested under besides 127.0.0.1 and localhost (repeatable):"
                    + " the machine's name or address when serving on another interface.")
    java.util.List<String> allowedHosts = new java.util.ArrayList<>();

    @Mixin
    RedisOption redis;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535, was " + port);
        }
        RedisEndpoint endpoint = redis.endpoint();
        String chosen = token != null ? token : System.getenv(DashboardAccess.TOKEN_ENV);
        java.util.List<String> hosts = new java.util.ArrayList<>(allowedHosts);
        if (!host.equals("0.0.0.0") && !host.equals("::") && !host.equals("[::]")) {
            hosts.add(host); // DashboardAccess brackets an IPv6 address as a Host header does
        }
        DashboardAccess access = new DashboardAccess(chosen == null || chosen.isBlank() ? null : chosen, hosts);
        try (Dashboard dashboard = new Dashboard(endpoint, host, port, access)) {
            Screen.println("Dashboard of " + endpoint + "   (Ctrl-C stops it). Open, with its access token:");
            Screen.println("    " + dashboard.url());
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            stopped.await();
        }
        return 0;
    }
}
