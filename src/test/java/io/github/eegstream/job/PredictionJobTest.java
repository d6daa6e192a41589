package io.github.eegstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.testing.ChannelRecorder;
import io.github.eegstream.testing.Publisher;
import io.github.eegstream.testing.RunningJob;
import io.github.eegstream.testing.TestFlink;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Prediction;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireCodec;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The prediction job on a real MiniCluster against a real Redis, fed as relays feed it. */
class PredictionJobTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void eachUserGetsItsOwnPredictionsStampedWithItsWindowsLastSample() throws Exception {
        String alex = TestRedis.uniqueUser("alex");
        String jamie = TestRedis.uniqueUser("jamie");
        Channel alexOut = Channel.of(alex, ChannelKind.PREDICTIONS);
        Channel jamieOut = Channel.of(jamie, ChannelKind.PREDICTIONS);
        try (RunningJob job = RunningJob.start("seed-compatible");
                ChannelRecorder recorder = ChannelRecorder.predictionsOf(alex, jamie);
                Publisher publisher = new Publisher()) {
            // 300 samples = three 100-sample tumbling windows each; distinct clocks tell the users apart.
            RawSamples alexSent = publisher.publishSamples(alex, 300, 256, 1_000.0, 8, 1);
            RawSamples jamieSent = publisher.publishSamples(jamie, 300, 256, 2_000.0, 4, 2);

            assertTrue(recorder.await(alexOut, l -> l.size() >= 3, WAIT), "alex's three predictions");
            assertTrue(recorder.await(jamieOut, l -> l.size() >= 3, WAIT), "jamie's three predictions");
            assertWindows(alexSent, recorder.received(alexOut));
            assertWindows(jamieSent, recorder.received(jamieOut));
            assertEquals(JobStatus.RUNNING, job.status());
        }
    }

    private static void assertWindows(RawSamples sent, List<Prediction> predictions) {
        assertEquals(3, predictions.size(), "one prediction per 100-sample window, no more");
        for (int w = 0; w < 3; w++) {
            Prediction p = predictions.get(w);
            assertEquals("prediction", p.type());
            assertEquals("workload", p.predictionType());
            assertEquals(sent.timestamps()[w * 100 + 99], p.timestamp(), "timestamp of the window's last sample");
            assertEquals(sent.timestamps()[w * 100], p.windowStart());
            assertEquals(100, p.sampleCount());
            assertEquals("eegstream:seed-compatible", p.source());
            for (String key : List.of("workload", "engagement", "arousal")) {
                double v = ((Number) p.data().get(key)).doubleValue();
                assertTrue(v > 0 && v < 1, key + " in (0, 1), was " + v);
            }
            assertEquals(1.0, p.confidence(), "every simulated channel is usable");
        }
    }

    @Test
    void jsonSamplesArePredictedLikeMsgpack() throws Exception {
        String user = TestRedis.uniqueUser("json");
        Channel out = Channel.of(user, ChannelKind.PREDICTIONS);
        try (RunningJob job = RunningJob.start("seed-compatible");
                ChannelRecorder recorder = ChannelRecorder.predictionsOf(user);
                Publisher publisher = new Publisher()) {
            for (int i = 0; i < 100; i++) {
                double t = 5_000 + i / 100.0;
                publisher.publish(Channel.of(user, ChannelKind.RAW).name(), String.format(Locale.ROOT,
                        "{\"type\":\"raw\",\"timestamp\":%.2f,\"channels\":{\"Ch0\":%.3f,\"Ch1\":%.3f}}",
                        t, 20 * Math.sin(2 * Math.PI * 10 * t), 10 * Math.sin(2 * Math.PI * 6 * t)));
            }
            assertTrue(recorder.await(out, l -> l.size() == 1, WAIT), "one prediction from 100 JSON samples");
            Prediction p = recorder.<Prediction>received(out).get(0);
            assertEquals(5_000.99, p.timestamp(), 1e-9);
            // Pure 10 Hz (alpha) and 6 Hz (theta) with no beta: arousal (beta/alpha) near 0.
            assertTrue(((Number) p.data().get("arousal")).doubleValue() < 0.05, "arousal " + p.data());
        }
    }

    @Test
    void malformedMessagesAreSkippedWhileGoodUsersGoOn() throws Exception {
        String good = TestRedis.uniqueUser("good");
        String bad = TestRedis.uniqueUser("bad");
        String badRaw = Channel.of(bad, ChannelKind.RAW).name();
        Channel goodOut = Channel.of(good, ChannelKind.PREDICTIONS);
        List<Map<String, Object>> deadLetters = new CopyOnWriteArrayList<>();
        WireCodec codec = new WireCodec();
        try (RunningJob job = RunningJob.start("seed-compatible");
                ChannelRecorder recorder = ChannelRecorder.predictionsOf(good, bad);
                StatefulRedisPubSubConnection<byte[], byte[]> dead = TestRedis.client().connectPubSub(ByteArrayCodec.INSTANCE);
                Publisher publisher = new Publisher()) {
            dead.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] channel, byte[] message) {
                    deadLetters.add(codec.decodeMap(message));
                }
            });
            dead.sync().subscribe("eegstream:dead-letter".getBytes(StandardCharsets.UTF_8));
            publisher.publish(badRaw, new byte[] {(byte) 0xc1, 0x00, 0x7f}); // not msgpack
            publisher.publish(badRaw, "{\"type\":\"raw\",\"timestamp\":1.0,\"channels\":{\"Ch0\":"); // truncated JSON
            publisher.publish(badRaw, "{\"type\":\"raw\",\"timestamp\":\"noon\",\"channels\":{\"Ch0\":1}}"); // wrong type
            publisher.publish(badRaw, "{\"type\":\"raw\",\"channels\":{\"Ch0\":1}}"); // no timestamp
            publisher.publish(badRaw, "{\"type\":\"raw\",\"timestamp\":1.0,\"channels\":{\"Ch0\":NaN}}"); // NaN
            publisher.publish(badRaw, "[1, 2, 3]"); // not a map
            publisher.publish(badRaw, "{\"type\":\"telemetry\"}"); // unknown type
            publisher.publish("user:not valid!a:raw", "{\"type\":\"raw\",\"timestamp\":1,\"channels\":{\"a\":1}}");
            RawSamples sent = publisher.publishSamples(good, 200, 256, 3_000.0, 8, 3);

            assertTrue(recorder.await(goodOut, l -> l.size() == 2, WAIT), "the good user's two windows");
            assertEquals(sent.timestamps()[199], recorder.<Prediction>received(goodOut).get(1).timestamp());
            assertEquals(List.of(), recorder.received(Channel.of(bad, ChannelKind.PREDICTIONS)));
            assertEquals(JobStatus.RUNNING, job.status(), "bad input never fails the job");

            // Each reject went to the dead-letter channel, with its reason and the offending bytes.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (deadLetters.size() < 8 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Map<String, String> reasons = new java.util.HashMap<>();
            for (Map<String, Object> d : deadLetters) {
                String channel = (String) d.get("channel");
                if (channel.equals(badRaw) || channel.equals("user:not valid!a:raw")) {
                    reasons.merge((String) d.get("reason"), channel, (a, b) -> a);
                    assertEquals("rejected", d.get("type"));
                    assertTrue(d.get("payload") instanceof byte[] && ((Number) d.get("payload_bytes")).intValue() > 0);
                }
            }
            assertEquals(java.util.Set.of("unparseable", "wrong_type", "missing_field", "non_finite", "not_a_map",
                    "unknown_type", "invalid_channel"), reasons.keySet(), deadLetters.toString());
        }
    }
}
