package io.github.eegstream.job;

import io.github.eegstream.spec.JobSpecs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.relay.Relay;
import io.github.eegstream.relay.SimulatedSource;
import io.github.eegstream.testing.ChannelRecorder;
import io.github.eegstream.testing.Publisher;
import io.github.eegstream.testing.RunningJob;
import io.github.eegstream.testing.TestFlink;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Features;
import io.github.eegstream.wire.Prediction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay's simulator driven by commands, through the running job, back to the relay's screen:
 * high workload raises its alert once; a detached electrode lowers its quality and the confidence
 * and raises a signal alert; reattaching clears it. Rule durations are shortened to keep it quick.
 */
class SimulatorAlertsTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    @TempDir
    Path dir;

    private final List<String> screen = new CopyOnWriteArrayList<>();

    @Test
    void workloadAndElectrodeAlertsReachTheRelay() throws Exception {
        Path spec = dir.resolve("alerts.yaml");
        Files.writeString(spec, """
                name: alerts-check
                alerts:
                  - name: high_workload
                    when: workload > 0.8
                    for: 1s
                  - name: bad_channel
                    when: bad_channels >= 1
                    for: 1s
                """);
        String user = TestRedis.uniqueUser("sim-alerts");
        String commands = Channel.of(user, ChannelKind.COMMANDS).name();
        Channel features = Channel.of(user, ChannelKind.FEATURES);
        Channel predictions = Channel.of(user, ChannelKind.PREDICTIONS);
        SimulatedSource source = new SimulatedSource(8, 256, 5);
        source.eeg().setWorkload(0.1);
        try (RunningJob job = RunningJob.start(JobSpecs.load(spec.toString()).withRedisUrl(TestRedis.endpoint().url()));
                ChannelRecorder recorder = new ChannelRecorder(features, predictions);
                Publisher publisher = new Publisher();
                Relay relay = new Relay(new Relay.Options(user, 32, null), source, TestRedis.client(), screen::add).start()) {
            assertTrue(recorder.await(predictions, l -> l.size() >= 6, Duration.ofSeconds(20)), "relaxed baseline");
            assertEquals(0, count(l -> l.contains("ALERT")), screen.toString());

            publisher.publish(commands, "{\"command\":\"set\",\"args\":{\"workload\":1.0}}");
            assertTrue(await(l -> l.contains("ALERT raised high_workload")), screen.toString());

            publisher.publish(commands, "{\"command\":\"set\",\"args\":{\"detached\":[\"F3\"]}}");
            assertTrue(await(l -> l.contains("ALERT raised bad_channel") && l.contains("F3: flat")), screen.toString());
            Features detached = last(recorder.<Features>received(features));
            assertEquals(0.0, detached.quality()[detached.channels().indexOf("F3")]);
            assertEquals(7.0 / 8, last(recorder.<Prediction>received(predictions)).confidence(), 1e-12);

            publisher.publish(commands, "{\"command\":\"set\",\"args\":{\"detached\":[]}}");
            assertTrue(await(l -> l.contains("ALERT cleared bad_channel")), screen.toString());
            Thread.sleep(1_000);
            assertEquals(1, count(l -> l.contains("ALERT raised high_workload")), "raised once: " + screen);
            assertEquals(1, count(l -> l.contains("ALERT raised bad_channel")), "raised once: " + screen);
            assertEquals(1.0, last(recorder.<Prediction>received(predictions)).confidence());
        }
    }

    private long count(Predicate<String> match) {
        return screen.stream().filter(match).count();
    }

    private boolean await(Predicate<String> match) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (screen.stream().anyMatch(match)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static <T> T last(List<T> list) {
        return list.get(list.size() - 1);
    }
}
