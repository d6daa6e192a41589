package io.github.eegstream.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.spec.JobSpecs;
import io.github.eegstream.testing.ChannelRecorder;
import io.github.eegstream.testing.TestPython;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Features;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The original design's Use Case 2 with no job running: the relay computes the default spec's
 * features at the edge and publishes them; the Python batch consumer (examples/python) turns
 * every 5 s of them into a prediction, which appears on the relay's screen.
 */
class EdgeFeaturesTest {

    @Test
    void featuresFromTheEdgeFeedTheBatchConsumerWhosePredictionsTheRelayShows() throws Exception {
        String python = TestPython.withModules("redis", "msgpack");
        assertTrue(python != null, "python3 with redis and msgpack (apt-get install python3-redis python3-msgpack)");
        String user = TestRedis.uniqueUser("edge");
        Channel features = Channel.of(user, ChannelKind.FEATURES);
        JobSpec spec = JobSpecs.load("default");
        List<String> screen = new CopyOnWriteArrayList<>();
        Process consumer = TestPython.example(python, "batch_features_consumer.py", "--user", user, "--every", "2",
                "--count", "1", "--redis", TestRedis.endpoint().url());
        try (ChannelRecorder recorder = new ChannelRecorder(features)) {
            // Started after the consumer says it reads, so that it sees the first features.
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(consumer.getInputStream()));
            String first = out.readLine();
            assertTrue(first != null && first.contains("reading user:" + user + ":features"), "the consumer started: " + first);
            EdgeFeatures edge = new EdgeFeatures(new SimulatedSource(8, 256, 4), user, spec.window().windowing(), spec.analysis(),
                    TestRedis.client());
            try (Relay relay = new Relay(new Relay.Options(user, 16, Duration.ofSeconds(8)), edge, TestRedis.client(),
                    screen::add).start()) {
                assertTrue(recorder.<Features>await(features, l -> l.size() >= 4, Duration.ofSeconds(20)), "features at the edge");
                assertTrue(io.github.eegstream.testing.Lines.await(screen, l -> l.contains("batch:alpha-relaxation"), Duration.ofSeconds(20)),
                        "the batch consumer's prediction on the relay's screen: " + screen);
                Features f = recorder.<Features>received(features).get(0);
                assertEquals(8, f.channels().size());
                assertTrue(f.relativePower().containsKey("alpha"), f.relativePower().keySet().toString());
            }
            assertTrue(consumer.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the consumer made its prediction and ended");
            assertEquals(0, consumer.exitValue());
        } finally {
            consumer.destroyForcibly();
        }
    }

}
