package io.github.eegstream.cli;

import io.github.eegstream.dashboard.Dashboard;
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
            "Open the printed address in a browser."})
final class DashboardCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT",
            description = "Port to serve on; 0 for any free one. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address to serve on (0.0.0.0: every interface; the page has no login). Default: ${DEFAULT-VALUE}.")
    String host;

    @Mixin
    RedisOption redis;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535, was " + port);
        }
        RedisEndpoint endpoint = redis.endpoint();
        try (Dashboard dashboard = new Dashboard(endpoint, host, port)) {
            Screen.println("Dashboard of " + endpoint + " on http://" + host + ":" + dashboard.port() + "/   (Ctrl-C stops it)");
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            stopped.await();
        }
        return 0;
    }
}
