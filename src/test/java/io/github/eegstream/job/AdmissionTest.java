package io.github.eegstream.job;

import io.github.eegstream.spec.JobSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The admission bucket: bursts within the stream's own rate pass, a flood is held to its limit. */
class AdmissionTest {

    private static final JobSpec.Admission SPEC = new JobSpec.Admission(2, 20_000, Duration.ofSeconds(90));

    @Test
    void aRelaysOutageBufferPassesAtOnce() {
        Admission a = new Admission();
        long now = 1_000;
        int admitted = 0;
        for (int i = 0; i < 60 * 256 / 16; i++) { // 60 s held, sent in 16-sample chunks in no time
            admitted += a.admit(16, 256, SPEC, now) == Admission.Verdict.ADMITTED ? 16 : 0;
        }
        assertEquals(60 * 256, admitted);
    }

    @Test
    void aFloodIsHeldToTwiceItsRateWithOneAlert() {
        Admission a = new Admission();
        long now = 1_000;
        int admitted = 0;
        int exceeded = 0;
        // 100 times 256 Hz for 200 s, in 16-sample chunks: 1600 chunks a second.
        for (int i = 0; i < 200 * 1600; i++) {
            now = 1_000 + i * 1000L / 1600;
            Admission.Verdict v = a.admit(16, 256, SPEC, now);
            admitted += v == Admission.Verdict.ADMITTED || v == Admission.Verdict.RESTORED ? 16 : 0;
            exceeded += v == Admission.Verdict.EXCEEDED ? 1 : 0;
        }
        assertEquals(1, exceeded, "one alert");
        double expected = 90 * 256 + 200 * 512; // the burst, then the limit
        assertEquals(expected, admitted, 16 * 200, "admitted " + admitted);
    }

    @Test
    void aDeclaredRateBuysNoMoreThanTheCap() {
        Admission a = new Admission();
        int admitted = 0;
        for (int i = 0; i < 10_000; i++) {
            admitted += a.admit(1000, 1e6, SPEC, 1_000) == Admission.Verdict.ADMITTED ? 1000 : 0;
        }
        assertEquals(20_000 * 90, admitted, "a burst at the cap, not at the claimed 1 MHz");
    }

    @Test
    void anUnknownRateStartsWithOneSecondAtTheCap() {
        Admission a = new Admission();
        int admitted = 0;
        for (int i = 0; i < 100_000; i++) {
            admitted += a.admit(1, 0, SPEC, 1_000) == Admission.Verdict.ADMITTED ? 1 : 0;
        }
        assertEquals(20_000, admitted);
    }

    @Test
    void theAlertClearsAfterFiveSecondsWithinTheLimit() {
        Admission a = new Admission();
        a.admit(16, 256, SPEC, 0);
        while (a.admit(16, 256, SPEC, 0) != Admission.Verdict.EXCEEDED) {
            // drain the burst
        }
        assertEquals(Admission.Verdict.ADMITTED, a.admit(16, 256, SPEC, 1_000)); // refilled, but too soon to clear
        assertEquals(Admission.Verdict.RESTORED, a.admit(16, 256, SPEC, Admission.CLEAR_AFTER_MILLIS + 1));
    }
}
