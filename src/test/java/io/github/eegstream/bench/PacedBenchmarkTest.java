package io.github.eegstream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.sim.SimulatedEeg;
import io.github.eegstream.wire.WireCodec;
import org.junit.jupiter.api.Test;

/** What the benchmark counts as the measured part's windows, and where that part starts in each user's stream. */
class PacedBenchmarkTest {

    @Test
    void theWindowsOfTheMeasuredPartAreThoseEndingInIt() {
        // 256-sample windows every 128: they end at samples 255, 383, 511, 639, ...
        assertEquals(0, PacedBenchmark.windowsEndingIn(0, 255, 256, 128), "not one complete window");
        assertEquals(1, PacedBenchmark.windowsEndingIn(0, 256, 256, 128));
        assertEquals(3, PacedBenchmark.windowsEndingIn(0, 512, 256, 128), "255, 383, 511");
        assertEquals(2, PacedBenchmark.windowsEndingIn(256, 512, 256, 128), "383, 511: 255 is the warm-up's");
        assertEquals(2, PacedBenchmark.windowsEndingIn(383, 512, 256, 128), "a window ending at the first measured sample is measured");
        assertEquals(1, PacedBenchmark.windowsEndingIn(384, 512, 256, 128));
        assertEquals(0, PacedBenchmark.windowsEndingIn(512, 512, 256, 128), "nothing published after the mark");
        assertEquals(0, PacedBenchmark.windowsEndingIn(900, 512, 256, 128), "a mark after the end");
        // Tumbling windows, as the original consumer's.
        assertEquals(4, PacedBenchmark.windowsEndingIn(0, 1024, 256, 256));
        assertEquals(2, PacedBenchmark.windowsEndingIn(600, 1024, 256, 256), "767 and 1023");
        // The sum over any split is the whole: no window is counted twice or lost at the mark.
        for (long mark = 0; mark <= 2000; mark += 7) {
            assertEquals(PacedBenchmark.windowsEndingIn(0, 2000, 256, 32),
                    PacedBenchmark.windowsEndingIn(0, mark, 256, 32) + PacedBenchmark.windowsEndingIn(mark, 2000, 256, 32), "mark " + mark);
        }
    }

    @Test
    void theFirstMeasuredSampleIsTheFirstStampedAtOrAfterTheMark() {
        double startWall = 1_764_633_600.417;
        double rate = 256;
        int n = 4700;
        LoadGenerator.MessageTemplates templates = new LoadGenerator.MessageTemplates(new SimulatedEeg(8, rate, 7), rate, 1);
        WireCodec codec = new WireCodec();
        for (int u : new int[] {0, 1, 2349, 4699}) {
            double start = LoadGenerator.userStart(startWall, u, n);
            assertTrue(start >= startWall && start < startWall + 1, "staggered over one second: " + start);
            double mark = startWall + 10;
            long first = LoadGenerator.firstSampleFrom(startWall, u, n, rate, mark);
            // The generator stamps a user's sample i at userStart + i / rate: as the messages say.
            double stamped = codec.decodeRaw(templates.message(u, first, start)).timestamps()[0];
            double before = codec.decodeRaw(templates.message(u, first - 1, start)).timestamps()[0];
            assertTrue(stamped >= mark - 1e-6 && before < mark, u + ": " + before + " < " + mark + " <= " + stamped);
        }
        assertEquals(0, LoadGenerator.firstSampleFrom(startWall, n - 1, n, rate, startWall), "no warm-up: from sample 0");
    }
}
