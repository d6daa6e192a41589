package io.github.eegstream.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.testing.ChannelRecorder;
import io.github.eegstream.testing.Publisher;
import io.github.eegstream.testing.RunningJob;
import io.github.eegstream.testing.TestFlink;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.RawSamples;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The relay against a real Redis, alone and in a round trip through the prediction job. */
class RelayTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    private final List<String> screen = new CopyOnWriteArrayList<>();

    private Relay relay(String user, int chunk, SimulatedSource source) {
        return new Relay(new Relay.Options(user, chunk, null), source, TestRedis.client(), screen::add);
    }

    @Test
    void roundTripThroughTheJobShowsPredictionsForPerSampleAndChunkedRelays() throws Exception {
        String perSample = TestRedis.uniqueUser("relay1");
        String chunked = TestRedis.uniqueUser("relay32");
        try (RunningJob job = RunningJob.start("default");
                Relay a = relay(perSample, 1, new SimulatedSource(8, 256, 1)).start();
                Relay b = relay(chunked, 32, new SimulatedSource(8, 256, 2)).start()) {
            assertTrue(awaitLine(l -> l.contains(perSample + "  prediction mental_state") && l.contains("from eegstream:default")),
                    "per-sample relay shows the job's prediction: " + screen);
            assertTrue(awaitLine(l -> l.contains(chunked + "  prediction mental_state")),
                    "chunked relay shows the job's prediction: " + screen);
            assertTrue(a.samplesPublished() > 256 && b.samplesPublished() > 256);
        }
    }

    @Test
    void showsTheSeedGuidesRedisCliPredictionAndObeysCommands() throws Exception {
        String user = TestRedis.uniqueUser("cmd");
        SimulatedSource source = new SimulatedSource(4, 256, 3);
        try (Relay relay = relay(user, 1, source).start(); Publisher publisher = new Publisher()) {
            // Exactly the guide's Test 2: redis-cli PUBLISH of a JSON prediction.
            publisher.publish(Channel.of(user, ChannelKind.PREDICTIONS).name(),
                    "{\"type\":\"prediction\",\"data\":{\"workload\":0.85}}");
            assertTrue(awaitLine(l -> l.contains(user + "  prediction workload=0.850")), screen.toString());

            String commands = Channel.of(user, ChannelKind.COMMANDS).name();
            publisher.publish(commands, "{\"type\":\"command\",\"command\":\"set\",\"args\":{\"workload\":0.9}}");
            assertTrue(awaitLine(l -> l.equals("relay " + user + ": set workload=0.90")), screen.toString());
            assertEquals(0.9, source.eeg().workload());

            publisher.publish(commands, "{\"command\":\"pause\"}");
            assertTrue(awaitLine(l -> l.contains("paused")));
            long atPause = relay.samplesPublished();
            Thread.sleep(300);
            assertTrue(relay.samplesPublished() - atPause <= 2, "nothing published while paused");
            publisher.publish(commands, "{\"command\":\"resume\"}");
            assertTrue(awaitLine(l -> l.contains("resumed")));

            publisher.publish(commands, "{\"command\":\"dance\"}");
            assertTrue(awaitLine(l -> l.contains("ignored unknown command 'dance'")));
            publisher.publish(Channel.of(user, ChannelKind.ALERTS).name(), "not a message");
            assertTrue(awaitLine(l -> l.contains("ignored a bad message on user:" + user + ":alerts (unparseable")));

            publisher.publish(commands, "{\"command\":\"stop\"}");
            assertTrue(relay.awaitFinished(Duration.ofSeconds(5)), "stop ends the relay");
            assertTrue(relay.samplesPublished() > atPause);
        }
    }

    @Test
    void publishesEverySampleInOrderInTheChosenForm() throws Exception {
        String user = TestRedis.uniqueUser("order");
        Channel raw = Channel.of(user, ChannelKind.RAW);
        try (ChannelRecorder recorder = new ChannelRecorder(raw)) {
            Relay relay = new Relay(new Relay.Options(user, 16, Duration.ofMillis(600)),
                    new SimulatedSource(3, 256, 4), TestRedis.client(), screen::add).start();
            relay.awaitFinished();
            relay.close();
            long published = relay.samplesPublished();
            assertTrue(recorder.await(raw, l -> l.size() * 16L >= published, Duration.ofSeconds(5)));
            List<RawSamples> messages = recorder.received(raw);
            double previous = Double.NEGATIVE_INFINITY;
            for (RawSamples m : messages) {
                assertEquals("raw_chunk", m.type());
                assertEquals(16, m.sampleCount());
                assertEquals(256, m.rate());
                for (double t : m.timestamps()) {
                    if (previous != Double.NEGATIVE_INFINITY) {
                        assertEquals(1.0 / 256, t - previous, 1e-6, "consecutive samples, none lost or reordered");
                    }
                    previous = t;
                }
            }
            assertEquals(published, messages.size() * 16L);
        }
    }

    private boolean awaitLine(Predicate<String> match) throws InterruptedException {
        return io.github.eegstream.testing.Lines.await(screen, match, Duration.ofSeconds(20));
    }
}
