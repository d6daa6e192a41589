package io.github.eegstream.job;

import io.github.eegstream.spec.JobSpec;
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
import io.github.eegstream.wire.Alert;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Prediction;
import io.github.eegstream.wire.RawSamples;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A user's clock misbehaves: nanoseconds, a step back, a sample from the future, a stall and the
 * same samples again. That user's timeline copes, and nobody else notices.
 */
class ClockTroubleTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final double RATE = 256;

    /** The two redis-cli messages that used to freeze the whole job. */
    @Test
    void aNanosecondClockAfterASecondsOneFreezesNobody() throws Exception {
        String good = TestRedis.uniqueUser("bystander");
        String ns = TestRedis.uniqueUser("ns");
        Channel goodPredictions = Channel.of(good, ChannelKind.PREDICTIONS);
        Channel nsPredictions = Channel.of(ns, ChannelKind.PREDICTIONS);
        try (RunningJob job = RunningJob.start("default");
                ChannelRecorder recorder = new ChannelRecorder(goodPredictions, nsPredictions);
                Publisher publisher = new Publisher();
                Relay relay = new Relay(new Relay.Options(good, 16, null), new SimulatedSource(8, RATE, 1),
                        TestRedis.client(), line -> { }).start()) {
            assertTrue(recorder.<Prediction>await(goodPredictions, l -> l.size() >= 2, WAIT));
            double now = System.currentTimeMillis() / 1000.0;
            String raw = Channel.of(ns, ChannelKind.RAW).name();
            publisher.publish(raw, "{\"type\":\"raw\",\"timestamp\":" + now + ",\"channels\":{\"Ch0\":1.0}}");
            publisher.publish(raw, "{\"type\":\"raw\",\"timestamp\":" + String.format(Locale.ROOT, "%.9e", (now + 1e-9) * 1e9)
                    + ",\"channels\":{\"Ch0\":1.0}}");
            int before = recorder.received(goodPredictions).size();
            assertTrue(recorder.<Prediction>await(goodPredictions, l -> l.size() >= before + 4, WAIT),
                    "the bystander's predictions keep coming");

            // The nanosecond device goes on: its timestamps are converted, and it is predicted like anyone.
            for (int i = 1; i <= 3 * RATE; i++) {
                double t = (now + i / RATE) * 1e9;
                publisher.publish(raw, String.format(Locale.ROOT,
                        "{\"type\":\"raw\",\"timestamp\":%.0f,\"channels\":{\"Ch0\":%.3f}}", t, Math.sin(i / 10.0)));
            }
            assertTrue(recorder.<Prediction>await(nsPredictions, l -> !l.isEmpty(), WAIT), "the nanosecond clock is predicted");
            Prediction p = recorder.<Prediction>received(nsPredictions).get(0);
            assertEquals(now + 2, p.timestamp(), 0.6, "in seconds");

            // A user who starts now is predicted within 5 s.
            String late = TestRedis.uniqueUser("late");
            Channel latePredictions = Channel.of(late, ChannelKind.PREDICTIONS);
            try (ChannelRecorder lateRecorder = new ChannelRecorder(latePredictions);
                    Relay lateRelay = new Relay(new Relay.Options(late, 16, null), new SimulatedSource(8, RATE, 2),
                            TestRedis.client(), line -> { }).start()) {
                assertTrue(lateRecorder.await(latePredictions, l -> !l.isEmpty(), Duration.ofSeconds(5)));
            }
            assertEquals(JobStatus.RUNNING, job.status());
        }
    }

    @Test
    void aClockSteppingBackStartsANewTimelineWithOneAlertAndPredictionsResume() throws Exception {
        String user = TestRedis.uniqueUser("stepback");
        Channel predictions = Channel.of(user, ChannelKind.PREDICTIONS);
        Channel alerts = Channel.of(user, ChannelKind.ALERTS);
        try (RunningJob job = RunningJob.start("default");
                ChannelRecorder recorder = new ChannelRecorder(predictions, alerts);
                Publisher publisher = new Publisher()) {
            publisher.publishSamples(user, (int) (3 * RATE), RATE, 50_000.0, 8, 1);
            assertTrue(recorder.<Prediction>await(predictions, l -> l.size() >= 3, WAIT));
            // The device's clock is reset an hour back, twice in a row: one alert, not one per step.
            publisher.publishSamples(user, 64, RATE, 46_400.0, 8, 2);
            publisher.publishSamples(user, (int) (3 * RATE), RATE, 42_800.0, 8, 3);
            assertTrue(recorder.<Prediction>await(predictions, l -> l.get(l.size() - 1).timestamp() > 42_802, WAIT),
                    "predictions resume within one window of the new timeline");
            assertTrue(recorder.<Alert>await(alerts, l -> l.stream().anyMatch(a -> a.alertType().equals("clock_jump")
                    && a.state().equals("cleared")), WAIT));
            List<Alert> seen = recorder.<Alert>received(alerts).stream().filter(a -> a.alertType().equals("clock_jump")).toList();
            assertEquals("clock_jump", seen.get(0).alertType());
            assertEquals("raised", seen.get(0).state());
            double lastBefore = 50_000.0 + (3 * RATE - 1) / RATE;
            assertEquals(46_400.0 - lastBefore, ((Number) seen.get(0).data().get("jump_seconds")).doubleValue(),
                    1e-6, "the alert says how large the jump was");
            assertEquals(1, seen.stream().filter(a -> a.state().equals("raised")).count(), "one alert: " + seen);
            // The new timeline's first window starts at its first sample: nothing of the old one is mixed in.
            Prediction first = recorder.<Prediction>received(predictions).stream()
                    .filter(q -> q.timestamp() < 50_000).findFirst().orElseThrow();
            assertTrue(first.windowStart() >= 42_800.0, "window " + first.windowStart());
        }
    }

    @Test
    void aSampleFromTheFutureDoesNotMuteItsUser() throws Exception {
        String user = TestRedis.uniqueUser("future");
        Channel predictions = Channel.of(user, ChannelKind.PREDICTIONS);
        try (RunningJob job = RunningJob.start("default");
                ChannelRecorder recorder = new ChannelRecorder(predictions);
                Publisher publisher = new Publisher()) {
            RawSamples before = publisher.publishSamples(user, (int) (3 * RATE), RATE, 60_000.0, 8, 1);
            assertTrue(recorder.<Prediction>await(predictions, l -> l.size() >= 3, WAIT));
            publisher.publishRaw(user, RawSamples.single(60_000.0 + 86_400, before.channels(), new double[8]));
            publisher.publishSamples(user, (int) (3 * RATE), RATE, 60_003.0, 8, 2);
            assertTrue(recorder.<Prediction>await(predictions, l -> l.get(l.size() - 1).timestamp() > 60_005.5, WAIT),
                    "the user's own clock goes on being predicted");
        }
    }

    /** After a stall clears a user's windows, what its relay sends again is still a repeat. */
    @Test
    void samplesSentAgainAfterAStallAreNotPredictedTwice() throws Exception {
        JobSpec base = JobSpecs.load("default").withRedisUrl(TestRedis.endpoint().url());
        JobSpec spec = base.withWindow(new JobSpec.Window(base.window().size(), base.window().hop(),
                Duration.ofSeconds(1), true, base.window().gapAlert(), base.window().clockJump()));
        String user = TestRedis.uniqueUser("resend");
        Channel predictions = Channel.of(user, ChannelKind.PREDICTIONS);
        Channel alerts = Channel.of(user, ChannelKind.ALERTS);
        try (RunningJob job = RunningJob.start(spec);
                ChannelRecorder recorder = new ChannelRecorder(predictions, alerts);
                Publisher publisher = new Publisher()) {
            RawSamples first = publisher.publishSamples(user, (int) (4 * RATE), RATE, 70_000.0, 8, 1);
            assertTrue(recorder.<Alert>await(alerts, l -> l.stream().anyMatch(a -> a.alertType().equals("stream_stalled")),
                    WAIT), "the user stalls and its windows are cleared");
            // The relay comes back: its last second again, then new samples.
            double resendFrom = first.timestamps()[first.sampleCount() - 1] - 1;
            publisher.publishSamples(user, (int) (4 * RATE), RATE, resendFrom, 8, 1);
            assertTrue(recorder.<Prediction>await(predictions, l -> l.get(l.size() - 1).timestamp() > 70_006, WAIT));
            double firstLast = first.timestamps()[first.sampleCount() - 1];
            Set<Double> ends = new HashSet<>();
            for (Prediction p : recorder.<Prediction>received(predictions)) {
                assertTrue(ends.add(p.timestamp()), "window ending at " + p.timestamp() + " predicted twice");
                assertTrue(p.timestamp() <= firstLast || p.windowStart() > firstLast,
                        "a window after the stall holds only new samples: " + p.windowStart() + " to " + p.timestamp());
            }
        }
    }
}
