package io.github.eegstream.cli;

import io.github.eegstream.lsl.LslResolver;
import io.github.eegstream.lsl.StreamInfo;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eeg lsl list}: the Lab Streaming Layer streams visible from here. */
@Command(name = "lsl", mixinStandardHelpOptions = true, description = "Lab Streaming Layer tools.",
        subcommands = {LslCommand.ListStreams.class})
final class LslCommand {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the LSL streams visible from this machine (multicast, broadcast and local).")
    static final class ListStreams implements Callable<Integer> {

        @Option(names = "--timeout", defaultValue = "2", paramLabel = "S", description = "Seconds to wait for answers. Default: ${DEFAULT-VALUE}.")
        double timeout;

        @Option(names = "--query", defaultValue = "", paramLabel = "XPATH",
                description = "Only streams matching this predicate, e.g. \"type='EEG'\".")
        String query;

        @Option(names = "--peer", paramLabel = "HOST",
                description = "Also ask this host directly (for networks without multicast); repeatable.")
        List<String> peers = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            List<InetAddress> known = new ArrayList<>();
            for (String p : peers) {
                known.add(InetAddress.getByName(p));
            }
            List<StreamInfo> streams = new LslResolver(known)
                    .resolve(query, Integer.MAX_VALUE, Duration.ofMillis(Math.round(timeout * 1000)));
            if (streams.isEmpty()) {
                System.err.println("No LSL stream answered within " + timeout + " s.");
                return 1;
            }
            Screen.println(String.format(Locale.ROOT, "%-20s %-10s %8s %9s %-9s %-24s %s", "NAME", "TYPE", "CHANNELS",
                    "RATE", "FORMAT", "SOURCE_ID", "HOST"));
            for (StreamInfo s : streams) {
                Screen.println(String.format(Locale.ROOT, "%-20s %-10s %8d %9s %-9s %-24s %s (%s)", s.name(), s.type(),
                        s.channelCount(), s.nominalRate() > 0 ? String.format(Locale.ROOT, "%.1f Hz", s.nominalRate()) : "irregular",
                        s.format().xmlName(), s.sourceId(), s.hostname(), s.address().getHostAddress()));
            }
            return 0;
        }
    }
}
