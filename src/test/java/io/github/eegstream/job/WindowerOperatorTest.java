package io.github.eegstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.spec.JobSpecs;
import io.github.eegstream.wire.RawSamples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each user's state expires {@code state.user-ttl} after it was last heard, by the windower's one
 * timer per user, in both modes and for state restored from before that timer existed; the
 * analysis clears its own when told. Processing time is the harness's, which the windower
 * takes its start from.
 */
class WindowerOperatorTest {

    private static final long STALL = 2_000;
    private static final long TTL = 10_000;
    private static final int MAX_PARALLELISM = 128;

    @TempDir
    Path dir;

    private final long base = System.currentTimeMillis() + 60_000;

    @Test
    void aStalledUserExpiresItsTtlAfterItWasLastHeard() throws Exception {
        try (var h = opened(spec(false), base)) {
            send(h, 0, base);
            h.setProcessingTime(base + STALL);
            assertEquals(List.of(SampleWindow.Kind.STALL), kinds(h));
            h.setProcessingTime(base + TTL - 1);
            assertEquals(1, h.numKeyedStateEntries(), "the timeline outlives the stall");
            assertEquals(List.of(SampleWindow.Kind.STALL), kinds(h));
            h.setProcessingTime(base + TTL);
            assertEquals(List.of(SampleWindow.Kind.STALL, SampleWindow.Kind.EXPIRED), kinds(h));
            assertEquals(0, h.numKeyedStateEntries());
        }
    }

    @Test
    void aUserHeardAgainAfterItsStallIsCheckedForTheNextStallAndExpiresLater() throws Exception {
        try (var h = opened(spec(false), base)) {
            send(h, 0, base);
            h.setProcessingTime(base + STALL); // stalled; its expiry pending for base + TTL
            h.setProcessingTime(base + 5_000);
            send(h, 32 * 20, base + 5_000);
            assertEquals(1, h.numProcessingTimeTimers(), "its expiry timer gave way to the stall check");
            h.setProcessingTime(base + 5_000 + STALL); // not at base + TTL: the stall check came first
            assertEquals(List.of(SampleWindow.Kind.STALL, SampleWindow.Kind.STALL), kinds(h));
            h.setProcessingTime(base + 5_000 + TTL - 1); // the first expiry timer has come and gone
            assertEquals(1, h.numKeyedStateEntries());
            h.setProcessingTime(base + 5_000 + TTL);
            assertEquals(List.of(SampleWindow.Kind.STALL, SampleWindow.Kind.STALL, SampleWindow.Kind.EXPIRED), kinds(h));
            assertEquals(0, h.numKeyedStateEntries());
        }
    }

    @Test
    void anActiveUserNeverExpires() throws Exception {
        try (var h = opened(spec(false), base)) {
            for (int i = 0; i <= 3 * TTL / 1_000; i++) {
                h.setProcessingTime(base + i * 1_000L);
                for (int c = 0; c < 8; c++) { // a second of samples every second
                    send(h, 256 * i + 32 * c, base + i * 1_000L);
                }
            }
            assertEquals(1, h.numKeyedStateEntries());
            assertEquals(0, kinds(h).stream().filter(k -> k != SampleWindow.Kind.WINDOW).count(), kinds(h).toString());
        }
    }

    @Test
    void aDurableUserExpiresWithoutATimerDecidingItsStall() throws Exception {
        try (var h = opened(spec(true), base)) {
            send(h, 0, base);
            h.setProcessingTime(base + 3_000);
            send(h, 32, base + 3_000);
            h.setProcessingTime(base + TTL); // its first timer: heard since, so not yet
            assertEquals(List.of(), kinds(h));
            assertEquals(1, h.numKeyedStateEntries());
            h.setProcessingTime(base + 3_000 + TTL);
            assertEquals(List.of(SampleWindow.Kind.EXPIRED), kinds(h));
            assertEquals(0, h.numKeyedStateEntries());
        }
    }

    /** A notice of entries lost, for a user the windower keeps nothing of: the analysis's alert state for it expires too. */
    @Test
    void aUserKnownOnlyByARetentionGapExpires() throws Exception {
        try (var h = opened(spec(true), base)) {
            h.processElement(new StreamRecord<>(UserSamples.lost("u-1", new UserSamples.Lost("1-0", "5-0", 1, 5))));
            assertEquals(1, h.numKeyedStateEntries());
            h.setProcessingTime(base + TTL);
            assertEquals(List.of(SampleWindow.Kind.RETENTION_GAP, SampleWindow.Kind.EXPIRED), kinds(h));
            assertEquals(0, h.numKeyedStateEntries());
        }
    }

    /**
     * State written when Flink's TTL expired it (a stalled user had no timer then), read by a
     * windower without TTL: the user still expires, though never heard from again.
     */
    @Test
    void aUserRestoredWithoutATimerStillExpires() throws Exception {
        OperatorSubtaskState snapshot = legacySnapshot(stalled(0));
        try (var h = restored(spec(false), snapshot, base + 1)) {
            h.setProcessingTime(base + TTL - 1);
            assertEquals(1, h.numKeyedStateEntries());
            h.setProcessingTime(base + TTL);
            assertEquals(List.of(SampleWindow.Kind.EXPIRED), kinds(h));
            assertEquals(0, h.numKeyedStateEntries());
        }
    }

    /**
     * Restarts do not keep a user alive: its expiry counts from when it was last heard, not from
     * the restore; only a job back after longer than that gives it a stall timeout to be heard.
     */
    @Test
    void aUserRestoredLongAfterItsTtlExpiresAStallTimeoutAfterTheStart() throws Exception {
        OperatorSubtaskState snapshot = legacySnapshot(stalled(0));
        long start = base + 3 * TTL;
        try (var h = restored(spec(false), snapshot, start)) {
            h.setProcessingTime(start + STALL - 1);
            assertEquals(1, h.numKeyedStateEntries());
            h.setProcessingTime(start + STALL);
            assertEquals(List.of(SampleWindow.Kind.EXPIRED), kinds(h));
        }
    }

    /** A relay stalling and coming back again and again leaves its user one timer, not one per return. */
    @Test
    void aUserStallingAgainAndAgainKeepsOneTimer() throws Exception {
        try (var h = opened(spec(false), base)) {
            long t = base;
            for (int i = 0; i < 20; i++) {
                send(h, 32 * 40 * i, t);
                t += STALL + 500;
                h.setProcessingTime(t);
            }
            assertEquals(20, kinds(h).stream().filter(k -> k == SampleWindow.Kind.STALL).count());
            assertEquals(1, h.numProcessingTimeTimers());
        }
    }

    /** A durable replay decides as its first run did: a user past its TTL at the restore expires at once, with no grace. */
    @Test
    void aDurableUserPastItsTtlAtARestoreExpiresAtOnce() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = opened(spec(true), base)) {
            send(h, 0, base);
            snapshot = h.snapshot(1, base);
        }
        try (var h = restored(spec(true), snapshot, base + 2 * TTL)) {
            h.setProcessingTime(base + 2 * TTL + 1);
            assertEquals(List.of(SampleWindow.Kind.EXPIRED), kinds(h));
        }
    }

    /** A timer the state names but no job registered (a durable job's, before): registered again. */
    @Test
    void aRestoredUsersPendingTimerIsRegisteredAgain() throws Exception {
        WindowState st = stalled(base + 500);
        st.setActive(true);
        st.getTimeline().setStalled(false);
        OperatorSubtaskState snapshot = legacySnapshot(st);
        try (var h = restored(spec(true), snapshot, base + 1)) {
            h.setProcessingTime(base + TTL);
            assertEquals(List.of(SampleWindow.Kind.EXPIRED), kinds(h));
            assertEquals(0, h.numKeyedStateEntries());
        }
    }

    /** State of this version keeps its timers: the user expires once, when it was to. */
    @Test
    void aUserOfThisVersionsSnapshotExpiresOnceWhenItWasTo() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = opened(spec(false), base)) {
            send(h, 0, base);
            h.setProcessingTime(base + STALL);
            snapshot = h.snapshot(1, base + STALL);
        }
        try (var h = restored(spec(false), snapshot, base + STALL + 1)) {
            h.setProcessingTime(base + TTL - 1);
            assertEquals(List.of(), kinds(h));
            h.setProcessingTime(base + TTL); // when it was to: the restore did not extend it
            assertEquals(List.of(SampleWindow.Kind.EXPIRED), kinds(h));
            h.setProcessingTime(base + 3 * TTL);
            assertEquals(List.of(SampleWindow.Kind.EXPIRED), kinds(h), "once");
        }
    }

    /**
     * Rescaled: each subtask of a larger job passes once over its share of the users of state from
     * before, and the marker then keeps both from passing again, at this parallelism or another.
     */
    @Test
    void theRestorePassRunsOnceAtAnyParallelism() throws Exception {
        OperatorSubtaskState legacy = legacySnapshot(() -> stalled(0),
                java.util.stream.IntStream.range(0, 40).mapToObj(u -> "u-" + u).toArray(String[]::new));
        OperatorSubtaskState[] rescaled = new OperatorSubtaskState[2];
        long passed = 0;
        for (int i = 0; i < 2; i++) {
            try (var h = restored(spec(false),
                    KeyedOneInputStreamOperatorTestHarness.repartitionOperatorState(legacy, MAX_PARALLELISM, 1, 2, i), base + 1, 2, i)) {
                passed += ((WindowerOperator) h.getOperator()).passedUsers();
                assertEquals(h.numKeyedStateEntries(), h.numProcessingTimeTimers(), "each of its users has its timer");
                rescaled[i] = h.snapshot(2, base + 1);
            }
        }
        assertEquals(40, passed, "every user read once, by one subtask");
        OperatorSubtaskState merged = org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness.repackageState(rescaled);
        try (var h = restored(spec(false),
                KeyedOneInputStreamOperatorTestHarness.repartitionOperatorState(merged, MAX_PARALLELISM, 2, 1, 0), base + 2)) {
            assertEquals(-1, ((WindowerOperator) h.getOperator()).passedUsers(), "the marker says it ran");
            h.setProcessingTime(base + TTL);
            assertEquals(40, kinds(h).stream().filter(k -> k == SampleWindow.Kind.EXPIRED).count());
            assertEquals(0, h.numKeyedStateEntries());
        }
    }

    @Test
    void aTtlShorterThanTheStallTimeoutIsRefused() throws Exception {
        Path file = dir.resolve("short-ttl.yaml");
        Files.writeString(file, "name: short-ttl\nwindow:\n  stall-timeout: 10s\nstate:\n  user-ttl: 5s\n");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> JobSpecs.load(file.toString()));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("state.user-ttl"), e.getMessage());
    }

    @Test
    void theAnalysisClearsAUserItIsToldExpired() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new WindowAnalyzer(spec(false))),
                SampleWindow::userId, Types.STRING)) {
            h.open();
            h.processElement(new StreamRecord<>(SampleWindow.event("u-1", SampleWindow.Kind.STALL, 1000, 1000)));
            h.processElement(new StreamRecord<>(SampleWindow.event("u-2", SampleWindow.Kind.STALL, 1000, 1000)));
            assertEquals(4, h.numKeyedStateEntries(), "each user's alert state and last sequence");
            int published = h.extractOutputValues().size();
            h.processElement(new StreamRecord<>(SampleWindow.event("u-1", SampleWindow.Kind.EXPIRED, 0, 0)));
            assertEquals(2, h.numKeyedStateEntries(), "only the other user's");
            assertEquals(published, h.extractOutputValues().size(), "an expiry publishes nothing");
        }
    }

    /** A user stalled after it was last heard at {@code base}, with this timer (0: none) noted. */
    private WindowState stalled(long timerAtMillis) {
        WindowState st = new WindowState();
        st.setLastArrivalMillis(base);
        st.setTimerAtMillis(timerAtMillis);
        st.getTimeline().setLast(1000.0);
        st.getTimeline().setStalled(true);
        return st;
    }

    /** The user's state as a job with Flink's state TTL on it wrote it: no timers, no marker. */
    private static OperatorSubtaskState legacySnapshot(WindowState st) throws Exception {
        return legacySnapshot(() -> st, "u-1");
    }

    /** Each of these users' state, as {@link #legacySnapshot(WindowState)}. */
    private static OperatorSubtaskState legacySnapshot(java.util.function.Supplier<WindowState> st, String... users)
            throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new WindowStateSerializerTest.Holder(new WindowStateSerializer())), u -> u,
                Types.STRING, MAX_PARALLELISM, 1, 0)) {
            h.open();
            for (String user : users) {
                WindowStateSerializerTest.Holder.PUT = st.get();
                h.processElement(new StreamRecord<>(user, 1));
            }
            WindowStateSerializerTest.Holder.PUT = null;
            return h.snapshot(1, 2);
        }
    }

    private JobSpec spec(boolean durable) throws Exception {
        Path file = dir.resolve(durable ? "expiry-durable.yaml" : "expiry.yaml");
        Files.writeString(file, "name: expiry-test\nwindow:\n  stall-timeout: " + STALL + "ms\nstate:\n  user-ttl: " + TTL + "ms\n"
                + (durable ? "source:\n  mode: streams\npipeline:\n  checkpoint-interval: 1s\n" : ""));
        return JobSpecs.load(file.toString());
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, UserSamples, SampleWindow> windower(JobSpec spec)
            throws Exception {
        return windower(spec, 1, 0);
    }

    /** A new windower, opened with its clock at {@code now}. */
    private static KeyedOneInputStreamOperatorTestHarness<String, UserSamples, SampleWindow> opened(JobSpec spec, long now)
            throws Exception {
        var h = windower(spec);
        h.setProcessingTime(now);
        h.open();
        return h;
    }

    /** A windower restored from {@code snapshot}, opened with its clock at {@code now}. */
    private static KeyedOneInputStreamOperatorTestHarness<String, UserSamples, SampleWindow> restored(JobSpec spec,
            OperatorSubtaskState snapshot, long now) throws Exception {
        return restored(spec, snapshot, now, 1, 0);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, UserSamples, SampleWindow> restored(JobSpec spec,
            OperatorSubtaskState snapshot, long now, int parallelism, int subtask) throws Exception {
        var h = windower(spec, parallelism, subtask);
        h.initializeState(snapshot);
        h.setProcessingTime(now);
        h.open();
        return h;
    }

    /** User u-1's chunk from sample {@code first}, arrived at {@code arrivedMillis}. */
    private static void send(KeyedOneInputStreamOperatorTestHarness<String, UserSamples, SampleWindow> h, int first,
            long arrivedMillis) throws Exception {
        h.processElement(new StreamRecord<>(chunk("u-1", first, arrivedMillis)));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, UserSamples, SampleWindow> windower(JobSpec spec,
            int parallelism, int subtask) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new WindowerOperator(new SampleWindower(spec)),
                UserSamples::userId, Types.STRING, MAX_PARALLELISM, parallelism, subtask);
    }

    /** 32 samples of one channel at 256 Hz, from sample {@code first} of a timeline starting at 1000 s. */
    private static UserSamples chunk(String user, int first, long arrivedMillis) {
        double[] ts = new double[32];
        double[] values = new double[32];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = 1000 + (first + i) / 256.0;
            values[i] = Math.sin(first + i) * 20;
        }
        return new UserSamples(user, new RawSamples(new String[] {"Cz"}, ts, values, 256), arrivedMillis);
    }

    private static List<SampleWindow.Kind> kinds(KeyedOneInputStreamOperatorTestHarness<String, UserSamples, SampleWindow> h) {
        return h.extractOutputValues().stream().map(SampleWindow::kind).toList();
    }
}
