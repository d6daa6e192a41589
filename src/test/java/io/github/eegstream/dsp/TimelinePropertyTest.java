package io.github.eegstream.dsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.RejectReason;
import io.github.eegstream.wire.WireException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random timestamp sequences through a user's timeline and windows, as the job runs them: whatever
 * the timestamps (any finite double, NaN, infinities; seconds, ms, µs, ns; steps of any size either
 * way; repeats), every message either is rejected with a reason or is handled with work bounded by
 * the samples it carries, and what reaches the windows only ever moves forward.
 */
class TimelinePropertyTest {

    private static final String[] CHANNELS = {"C3", "C4"};
    private static final int MESSAGES = 400;

    static Stream<Object[]> cases() {
        List<Length[]> windowings = List.of(
                new Length[] {Length.seconds(2), Length.seconds(0.5)},
                new Length[] {Length.seconds(1), Length.seconds(1)},
                new Length[] {Length.seconds(0.01), Length.seconds(0.001)},
                new Length[] {Length.seconds(1e-6), Length.seconds(5e-8)}, // a hop below the precision of Unix time
                new Length[] {Length.samples(512), Length.samples(128)},
                new Length[] {Length.samples(100), Length.samples(100)});
        return IntStream.range(0, 240).mapToObj(seed -> new Object[] {seed, windowings.get(seed % windowings.size())});
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("cases")
    void workPerMessageIsBoundedWhateverTheTimestamps(int seed, Length[] sizeAndHop) {
        Random random = new Random(seed);
        Windowing windowing = new Windowing(sizeAndHop[0], sizeAndHop[1]);
        Timeline timeline = new Timeline(5, 0.25);
        WindowBuffer window = new WindowBuffer();
        TimelineState state = new TimelineState();
        // Each sample enters at most size/hop + 1 windows; a message may complete windows of the samples before it too.
        double perSample = sizeAndHop[0].amount() / sizeAndHop[1].amount() + 1;
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            double clock = random.nextDouble() * 2e9;
            int buffered = 0;
            double lastAccepted = Double.NEGATIVE_INFINITY;
            for (int m = 0; m < MESSAGES; m++) {
                int n = 1 + random.nextInt(random.nextBoolean() ? 1 : 40);
                double[] ts = new double[n];
                for (int i = 0; i < n; i++) {
                    clock = next(random, clock);
                    ts[i] = clock;
                }
                RawSamples samples;
                try {
                    samples = new RawSamples(CHANNELS, ts, new double[n * CHANNELS.length], random.nextBoolean() ? 256 : 0);
                } catch (WireException e) {
                    assertTrue(e.reason() == RejectReason.TIMESTAMP_OUT_OF_RANGE, e.getMessage());
                    continue;
                }
                for (double t : samples.timestamps()) {
                    assertTrue(t >= 0 && t < io.github.eegstream.wire.Timestamps.MAX_SECONDS, "converted to seconds: " + t);
                }
                List<RawSamples> runs = new ArrayList<>();
                int[] jumps = {0};
                timeline.accept(state, samples, random.nextBoolean() ? Double.NaN : random.nextDouble() * 10,
                        new Timeline.Events() {
                            @Override
                            public void samples(RawSamples run) {
                                runs.add(run);
                            }

                            @Override
                            public void repeats(int count) {}

                            @Override
                            public void gap(double from, double to) {
                                assertTrue(to > from);
                            }

                            @Override
                            public void jump(double from, double to) {
                                jumps[0]++;
                                window.setSamples(new io.github.eegstream.wire.SampleBuffer());
                                window.setWindowStart(Double.NaN);
                            }
                        });
                if (jumps[0] > 0) {
                    buffered = 0;
                    lastAccepted = Double.NEGATIVE_INFINITY;
                }
                int accepted = runs.stream().mapToInt(RawSamples::sampleCount).sum();
                assertTrue(accepted <= n);
                for (RawSamples run : runs) {
                    for (double t : run.timestamps()) {
                        if (jumps[0] == 0) {
                            assertTrue(t > lastAccepted, "within a segment, timestamps only move forward");
                        }
                        lastAccepted = t;
                    }
                    int[] emitted = {0};
                    windowing.add(window, run, w -> {
                        emitted[0]++;
                        assertTrue(w.sampleCount() > 0);
                    });
                    buffered += run.sampleCount();
                    long bound = (long) Math.ceil(perSample * buffered) + 1;
                    assertTrue(emitted[0] <= bound, emitted[0] + " windows from " + buffered + " buffered samples");
                    buffered = window.getSamples().size();
                }
            }
        });
    }

    /** The next timestamp: mostly regular, sometimes anything at all. */
    private static double next(Random r, double clock) {
        return switch (r.nextInt(20)) {
            case 0 -> clock * (r.nextBoolean() ? 1e3 : 1e9); // milliseconds or nanoseconds
            case 1 -> clock / (r.nextBoolean() ? 1e3 : 1e6);
            case 2 -> clock - r.nextDouble() * Math.pow(10, r.nextInt(12)); // a step back of any size
            case 3 -> clock + r.nextDouble() * Math.pow(10, r.nextInt(12)); // forward
            case 4 -> clock; // a duplicate
            case 5 -> switch (r.nextInt(8)) {
                case 0 -> Double.NaN;
                case 1 -> Double.POSITIVE_INFINITY;
                case 2 -> Double.NEGATIVE_INFINITY;
                case 3 -> Double.MAX_VALUE;
                case 4 -> Double.MIN_VALUE;
                case 5 -> -r.nextDouble() * 1e300;
                case 6 -> 1.796150001e18;
                default -> Double.longBitsToDouble(r.nextLong()); // any double
            };
            default -> clock + 1 / 256.0;
        };
    }

    @org.junit.jupiter.api.Test
    void nanosecondsMillisecondsAndMicrosecondsBecomeSeconds() {
        assertEquals(1796150000.0, io.github.eegstream.wire.Timestamps.toSeconds(1.79615e18), 1e-6);
        assertEquals(1796150000.5, io.github.eegstream.wire.Timestamps.toSeconds(1796150000500.0), 1e-6);
        assertEquals(1796150000.25, io.github.eegstream.wire.Timestamps.toSeconds(1796150000250000.0), 1e-6);
        assertEquals(12345.5, io.github.eegstream.wire.Timestamps.toSeconds(12345.5)); // an LSL clock: as it is
        for (double bad : new double[] {-1, 1e19, Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY}) {
            try {
                io.github.eegstream.wire.Timestamps.toSeconds(bad);
                fail("accepted " + bad);
            } catch (WireException e) {
                assertEquals(RejectReason.TIMESTAMP_OUT_OF_RANGE, e.reason());
            }
        }
    }
}
