package io.github.eegstream.job;

import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.spec.JobSpecs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.sim.SimulatedEeg;
import io.github.eegstream.testing.ChannelRecorder;
import io.github.eegstream.testing.Publisher;
import io.github.eegstream.testing.RunningJob;
import io.github.eegstream.testing.TestFlink;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.wire.Alert;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Prediction;
import io.github.eegstream.wire.RawSamples;
import java.time.Duration;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Windows in time over chunked samples, and users whose streams stall. */
class WindowingTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void slidingTimeWindowsOverChunksAndPerSampleMessagesAlike() throws Exception {
        String chunked = TestRedis.uniqueUser("chunks");
        String single = TestRedis.uniqueUser("single");
        Channel chunkedOut = Channel.of(chunked, ChannelKind.PREDICTIONS);
        Channel singleOut = Channel.of(single, ChannelKind.PREDICTIONS);
        try (RunningJob job = RunningJob.start("default"); // 2 s windows every 0.5 s
                ChannelRecorder recorder = ChannelRecorder.predictionsOf(chunked, single);
                Publisher publisher = new Publisher()) {
            RawSamples all = simulated(4 * 256, 256, 10_000.0);
            for (int i = 0; i < all.sampleCount(); i += 32) {
                publisher.publishRaw(chunked, slice(all, i, 32));
            }
            publisher.publishSamples(single, 4 * 256, 256, 10_000.0, 8, 7);

            // Samples span [t0, t0 + 4 s): windows ending at t0 + 2, 2.5, 3 and 3.5 s are complete.
            assertTrue(recorder.await(chunkedOut, l -> l.size() >= 4, WAIT), "four windows from chunks");
            assertTrue(recorder.await(singleOut, l -> l.size() >= 4, WAIT), "four windows from single samples");
            for (Channel out : List.of(chunkedOut, singleOut)) {
                List<Prediction> p = recorder.received(out);
                assertEquals(4, p.size());
                for (int w = 0; w < 4; w++) {
                    assertEquals(10_000.0 + 0.5 * w, p.get(w).windowStart(), 1e-9);
                    assertEquals(512, p.get(w).sampleCount());
                    assertEquals(10_000.0 + 0.5 * w + 511 / 256.0, p.get(w).timestamp(), 1e-9);
                }
            }
        }
    }

    @Test
    void aStalledUsersPartialWindowIsPredictedAndItsStateCleared() throws Exception {
        JobSpec base = JobSpecs.load("seed-compatible").withRedisUrl(TestRedis.endpoint().url());
        JobSpec spec = base.withWindow(
                new JobSpec.Window(base.window().size(), base.window().hop(), Duration.ofSeconds(1), true,
                        base.window().gapAlert(), base.window().clockJump()));
        String user = TestRedis.uniqueUser("stall");
        Channel out = Channel.of(user, ChannelKind.PREDICTIONS);
        Channel alerts = Channel.of(user, ChannelKind.ALERTS);
        try (RunningJob job = RunningJob.start(spec);
                ChannelRecorder recorder = new ChannelRecorder(out, alerts);
                Publisher publisher = new Publisher()) {
            // 160 samples: one full 100-sample window, then 60 that stall (more than half a window).
            RawSamples first = publisher.publishSamples(user, 160, 256, 20_000.0, 8, 8);
            assertTrue(recorder.await(out, l -> l.size() == 2, WAIT), "full window, then the partial one");
            Prediction partial = recorder.<Prediction>received(out).get(1);
            assertEquals(Boolean.TRUE, partial.partial());
            assertEquals(60, partial.sampleCount());
            assertEquals(first.timestamps()[159], partial.timestamp());
            assertNull(recorder.<Prediction>received(out).get(0).partial());
            assertTrue(recorder.await(alerts, l -> l.size() == 1, WAIT), "the stall is alerted");
            Alert stalled = recorder.<Alert>received(alerts).get(0);
            assertEquals(List.of("stream_stalled", "raised"), List.of(stalled.alertType(), stalled.state()));
            assertEquals(first.timestamps()[159], stalled.timestamp());

            // The user comes back much later: nothing of the old stream is mixed into the new window.
            RawSamples second = publisher.publishSamples(user, 100, 256, 30_000.0, 8, 9);
            assertTrue(recorder.await(out, l -> l.size() == 3, WAIT));
            Prediction fresh = recorder.<Prediction>received(out).get(2);
            assertEquals(second.timestamps()[0], fresh.windowStart());
            assertEquals(100, fresh.sampleCount());
            assertTrue(recorder.await(alerts, l -> l.size() >= 2, WAIT));
            assertEquals("cleared", recorder.<Alert>received(alerts).get(1).state(), "and cleared when samples return");

            // A stall with less than half a window left drops it silently.
            publisher.publishSamples(user, 30, 256, 40_000.0, 8, 10);
            Thread.sleep(2_500);
            assertEquals(3, recorder.received(out).size());
        }
    }

    private static RawSamples simulated(int n, double rate, double t0) {
        SimulatedEeg eeg = new SimulatedEeg(8, rate, 6);
        double[] ts = new double[n];
        double[] values = new double[n * 8];
        double[] row = new double[8];
        for (int i = 0; i < n; i++) {
            ts[i] = t0 + i / rate;
            eeg.next(row);
            System.arraycopy(row, 0, values, i * 8, 8);
        }
        return new RawSamples(eeg.channels(), ts, values, rate);
    }

    private static RawSamples slice(RawSamples s, int from, int n) {
        int w = s.channelCount();
        return new RawSamples(s.channels(), java.util.Arrays.copyOfRange(s.timestamps(), from, from + n),
                java.util.Arrays.copyOfRange(s.values(), from * w, (from + n) * w), s.rate());
    }
}
