package io.github.eegstream.cli;

import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.relay.Relay;
import io.github.eegstream.relay.SampleSource;
import io.github.eegstream.relay.SimulatedSource;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code eeg relay}: the edge relay. */
@Command(name = "relay", mixinStandardHelpOptions = true,
        description = {"Publishes EEG samples to user:ID:raw and shows the predictions, commands and alerts that come back.",
            "Commands obeyed (on user:ID:commands): pause, resume, stop, set {\"workload\": 0.8}."})
final class RelayCommand implements Callable<Integer> {

    /** Where samples come from. */
    enum SourceKind { sim }

    @Option(names = "--user", required = true, paramLabel = "ID", description = "User id (letters, digits, _ . -).")
    String user;

    @Option(names = "--source", defaultValue = "sim", paramLabel = "KIND",
            description = "Sample source: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    SourceKind source;

    @Option(names = "--workload", defaultValue = "0.3", paramLabel = "W",
            description = "Simulated mental workload, 0 to 1 (sim). Default: ${DEFAULT-VALUE}.")
    double workload;

    @Mixin
    StreamOptions stream;

    @Mixin
    RedisOption redis;

    @Override
    public Integer call() throws Exception {
        Relay.Options options = new Relay.Options(user, stream.chunk, stream.duration());
        SampleSource samples = openSource();
        RedisEndpoint endpoint = redis.endpoint();
        RedisClient client = endpoint.createClient();
        try (Relay relay = new Relay(options, samples, client, Screen::println)) {
            Screen.println("relay " + user + ": " + samples.describe() + " -> user:" + user + ":raw ("
                    + (stream.chunk == 1 ? "one message per sample" : stream.chunk + " samples per message") + ") at " + endpoint);
            Screen.println("relay " + user + ": showing user:" + user + ":predictions, :commands and :alerts; Ctrl-C stops");
            Thread shutdown = new Thread(relay::stop);
            Runtime.getRuntime().addShutdownHook(shutdown);
            relay.start().awaitFinished();
            Screen.println("relay " + user + ": published " + relay.samplesPublished() + " samples, received "
                    + relay.messagesReceived() + " messages" + (relay.messagesRejected() > 0
                            ? ", ignored " + relay.messagesRejected() + " bad ones" : ""));
            try {
                Runtime.getRuntime().removeShutdownHook(shutdown);
            } catch (IllegalStateException alreadyShuttingDown) {
                // Ctrl-C: the hook has run
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
        return 0;
    }

    private SampleSource openSource() {
        SimulatedSource sim = new SimulatedSource(stream.channels, stream.rate, user.hashCode());
        sim.eeg().setWorkload(workload);
        return sim;
    }
}
