package io.github.eegstream.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.eegstream.sim.SimulatedEeg;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireCodec;
import org.junit.jupiter.api.Test;

/** The load generator's messages are what a relay sends, and its lateness is counted against its schedule. Not timed. */
class LoadGeneratorTest {

    private final WireCodec codec = new WireCodec();

    @Test
    void aChunkFromItsTemplateIsTheChunkEncodedTheOrdinaryWay() {
        LoadGenerator.MessageTemplates templates = new LoadGenerator.MessageTemplates(new SimulatedEeg(8, 256, 7), 256, 32);
        double start = 1_764_633_600.123;
        for (long first : new long[] {0, 32, 1024 * 32 + 64}) {
            for (int user : new int[] {0, 5, 4699}) {
                RawSamples got = codec.decodeRaw(templates.message(user, first, start));
                RawSamples expected = templates.raw((int) ((first + user * 37L) % 1024), start + first / 256.0);
                assertEquals("raw_chunk", got.type());
                assertArrayEquals(expected.channels(), got.channels());
                assertArrayEquals(expected.values(), got.values());
                assertArrayEquals(expected.timestamps(), got.timestamps());
                assertEquals(start + (first + 31) / 256.0, got.timestamps()[31], 1e-6);
            }
        }
    }

    @Test
    void aPerSampleMessageFromItsTemplateCarriesItsOwnTimestamp() {
        LoadGenerator.MessageTemplates templates = new LoadGenerator.MessageTemplates(new SimulatedEeg(8, 256, 7), 256, 1);
        RawSamples got = codec.decodeRaw(templates.message(3, 700, 1_764_633_600.0));
        assertEquals("raw", got.type());
        assertArrayEquals(new double[] {1_764_633_600.0 + 700 / 256.0}, got.timestamps());
        assertArrayEquals(templates.raw((700 + 3 * 37) % 1024, 0).values(), got.values());
    }

    @Test
    void latenessIsTheSendTimeAfterTheLastSampleWasDue() {
        LoadGenerator.Lateness lateness = new LoadGenerator.Lateness();
        long due = 1_000_000_000L;
        lateness.due(due);                // sent 3 ms after it was due
        lateness.due(due + 2_000_000);    // 1 ms
        lateness.due(due + 5_000_000);    // "early" (sent as its tick began): 0, never negative
        lateness.sent(due + 3_000_000);
        lateness.due(due + 10_000_000);   // the next tick, 250 ms late
        lateness.sent(due + 260_000_000);
        assertEquals(4, lateness.histogram().getTotalCount());
        assertEquals(0, lateness.histogram().getMinValue());
        assertEquals(1000, lateness.histogram().getValueAtPercentile(50), 1);
        assertEquals(250_000, lateness.histogram().getMaxValue(), 250);
        // Sample 255 of a 256 Hz stream is due 255/256 s after the stream started, rounded up to the ns.
        assertEquals(996_093_750L, LoadGenerator.dueNanos(255, 256));
    }
}
