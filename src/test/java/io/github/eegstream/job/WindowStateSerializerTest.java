package io.github.eegstream.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.eegstream.dsp.TimelineState;
import io.github.eegstream.dsp.WindowBuffer;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.SampleBuffer;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** The windower's state serializer writes every field, only the buffered samples, and reads the POJO serializer's state. */
class WindowStateSerializerTest {

    private final WindowStateSerializer serializer = new WindowStateSerializer();

    /** The classes the state is made of: every field of each must be written. */
    private static final Set<Class<?>> PARTS = Set.of(WindowState.class, WindowBuffer.class, SampleBuffer.class,
            TimelineState.class, Admission.class);

    @Test
    void everyFieldOfTheStateRoundTrips() throws IOException {
        WindowState st = filled();
        WindowState back = roundTrip(serializer, st);
        assertSameState(st, back);
        assertSameState(st, serializer.copy(st));
    }

    @Test
    void aCopyIsDeep() {
        WindowState st = filled();
        WindowState copy = serializer.copy(st);
        assertNotSame(st.getWindow().getSamples().getValues(), copy.getWindow().getSamples().getValues());
        copy.getWindow().getSamples().getValues()[0] = -1;
        copy.getAdmission().setTokens(-1);
        assertSameState(filled(), st);
    }

    /**
     * The state going on keeps its sample arrays; the original (the checkpoint's) is left a
     * compact copy of the same samples.
     */
    @Test
    void aCopyTakesTheBufferAndLeavesTheOriginalACompactCopy() {
        WindowState st = filled();
        SampleBuffer buffer = st.getWindow().getSamples();
        WindowState copy = serializer.copy(st);
        assertSame(buffer, copy.getWindow().getSamples());
        assertEquals(3, st.getWindow().getSamples().getTimestamps().length, "the original's arrays hold its samples only");
        assertSameState(filled(), st);
        assertSameState(filled(), copy);
    }

    /**
     * A checkpoint's thread writes the original while the task copies it and goes on changing
     * the copy: every state written is the original's, whole.
     */
    @Test
    void anOriginalBeingWrittenWhileItIsCopiedIsWrittenWhole() throws Exception {
        for (int round = 0; round < 200; round++) {
            WindowState st = new WindowState();
            st.getWindow().getSamples().append(chunk(0, 200));
            WindowState expected = serializer.copy(st); // what the original holds: the copy's view of it
            WindowState original = st;
            java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
            Thread writer = new Thread(() -> {
                WindowStateSerializer own = new WindowStateSerializer(); // a checkpoint's thread has its own duplicate
                try {
                    for (int i = 0; i < 20; i++) {
                        started.countDown();
                        assertSameState(expected.getWindow().getSamples(), roundTrip(own, original).getWindow().getSamples());
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            writer.start();
            started.await();
            WindowState live = serializer.copy(original);
            SampleBuffer b = live.getWindow().getSamples();
            for (int i = 0; i < 50; i++) { // changes in place, in the arrays the original had
                b.drop(32);
                b.append(chunk(200 + 32L * i, 32));
            }
            writer.join();
            if (failed.get() != null) {
                throw new AssertionError("round " + round, failed.get());
            }
        }
    }

    @Test
    void nullPartsAndAnEmptyBufferRoundTrip() throws IOException {
        WindowState st = new WindowState();
        st.setTimeline(null);
        st.setAdmission(null);
        WindowState back = roundTrip(serializer, st);
        assertNull(back.getTimeline());
        assertNull(back.getAdmission());
        assertEquals(0, back.getWindow().getSamples().size());
        st.setWindow(null);
        assertNull(roundTrip(serializer, st).getWindow());
    }

    @Test
    void onlyTheBufferedSamplesAreWrittenNotTheSpareCapacity() throws IOException {
        WindowState st = new WindowState();
        SampleBuffer samples = st.getWindow().getSamples();
        samples.append(chunk(0, 288)); // a buffer of 288 samples' capacity
        samples.drop(160);              // 128 left, as after a window's hop
        DataOutputSerializer ours = new DataOutputSerializer(1024);
        serializer.serialize(st, ours);
        DataOutputSerializer pojo = new DataOutputSerializer(1024);
        pojoSerializer().serialize(st, pojo);
        long samplesBytes = 128L * 9 * 8; // timestamps and 8 channels
        assertTrue(ours.length() < samplesBytes + 400, "ours: " + ours.length());
        assertTrue(pojo.length() > 2 * samplesBytes, "the POJO serializer writes the capacity: " + pojo.length());
        WindowState back = roundTrip(serializer, st);
        SampleBuffer b = back.getWindow().getSamples();
        assertEquals(128, b.size());
        assertArrayEquals(samples.take(128).values(), b.take(128).values());
        b.append(chunk(288, 32)); // a restored buffer grows as any other
        assertEquals(160, b.size());
        assertEquals(288 / 256.0, b.timestampAt(128), 1e-12);
    }

    @Test
    void aChannelNameLongerThan64KbRoundTrips() throws IOException {
        WindowState st = new WindowState();
        String name = "x".repeat(70_000);
        st.getWindow().getSamples().append(RawSamples.single(1.0, new String[] {name}, new double[] {2.0}));
        assertEquals(name, roundTrip(serializer, st).getWindow().getSamples().getChannels()[0]);
    }

    @Test
    void corruptStateIsAnErrorNotAHugeArray() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeBoolean(true);   // a window
        out.writeDouble(Double.NaN);
        out.writeBoolean(true);   // its samples
        out.writeInt(1_000_000);  // channels ...
        for (int c = 0; c < 1_000_000; c++) {
            out.writeBoolean(false);
        }
        out.writeDouble(256);
        out.writeInt(1 << 20);    // ... times samples: more than an array holds
        IOException e = assertThrows(IOException.class, () -> serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())));
        assertTrue(e.getMessage().contains("corrupt window state"), e.getMessage());
        for (int[] widthAndSize : new int[][] {{Integer.MAX_VALUE, 1}, {1, 200_000_000}, {0, Integer.MAX_VALUE}}) {
            DataOutputSerializer bad = new DataOutputSerializer(64);
            bad.writeBoolean(true);
            bad.writeDouble(Double.NaN);
            bad.writeBoolean(true);
            bad.writeInt(widthAndSize[0]);
            if (widthAndSize[0] == 1) {
                bad.writeBoolean(false);
            }
            bad.writeDouble(256);
            bad.writeInt(widthAndSize[1]);
            IOException refused = assertThrows(IOException.class,
                    () -> serializer.deserialize(new DataInputDeserializer(bad.getCopyOfBuffer())), "refused before allocating");
            assertTrue(refused.getMessage().contains("corrupt window state"), refused.getMessage());
        }
    }

    @Test
    void aFormatFromAFutureVersionIsRefusedWithAClearError() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeUTF(WindowStateSerializer.Snapshot.class.getName());
        out.writeInt(WindowStateSerializer.Snapshot.FORMAT + 1);
        IOException e = assertThrows(IOException.class, () -> TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader()));
        assertTrue(e.getMessage().contains("cannot read"), e.getMessage());
    }

    @Test
    void itsSnapshotAcceptsItselfMigratesFromThePojoSerializerAndRefusesOthers() throws IOException {
        TypeSerializerSnapshot<WindowState> ours = restored(serializer.snapshotConfiguration());
        assertTrue(serializer.snapshotConfiguration().resolveSchemaCompatibility(ours).isCompatibleAsIs());
        TypeSerializerSnapshot<WindowState> pojo = restored(pojoSerializer().snapshotConfiguration());
        assertTrue(serializer.snapshotConfiguration().resolveSchemaCompatibility(pojo).isCompatibleAfterMigration());
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeSerializerSnapshot<WindowState> other = (TypeSerializerSnapshot) restored(StringSerializer.INSTANCE.snapshotConfiguration());
        assertTrue(serializer.snapshotConfiguration().resolveSchemaCompatibility(other).isIncompatible());
    }

    /**
     * A real keyed state backend with the TTL the windower's state had before: state written with the POJO serializer
     * (this job's savepoints before) is restored with ours, read intact, and snapshotted again.
     */
    @Test
    void stateThePojoSerializerWroteIsRestoredByABackendWithOurs() throws Exception {
        WindowState st = filled();
        OperatorSubtaskState pojoSnapshot;
        try (var harness = harness(new Holder(TypeInformation.of(WindowState.class).createSerializer(new SerializerConfigImpl())))) {
            harness.open();
            Holder.PUT = st;
            harness.processElement(new StreamRecord<>("user-1", 1));
            pojoSnapshot = harness.snapshot(1, 2);
        }
        OperatorSubtaskState ourSnapshot;
        try (var harness = harness(new Holder(new WindowStateSerializer()))) {
            harness.initializeState(pojoSnapshot);
            harness.open();
            Holder.PUT = null;
            harness.processElement(new StreamRecord<>("user-1", 3));
            assertSameState(st, Holder.GOT);
            ourSnapshot = harness.snapshot(2, 4);
        }
        try (var harness = harness(new Holder(new WindowStateSerializer()))) {
            harness.initializeState(ourSnapshot);
            harness.open();
            harness.processElement(new StreamRecord<>("user-1", 5));
            assertSameState(st, Holder.GOT);
        }
    }

    /** Puts {@link #PUT} into the user's state if set, else reads it into {@link #GOT}. */
    static final class Holder extends KeyedProcessFunction<String, String, String> {
        static WindowState PUT;
        static WindowState GOT;
        private final TypeSerializer<WindowState> stateSerializer;
        private transient ValueState<WindowState> state;

        Holder(TypeSerializer<WindowState> stateSerializer) {
            this.stateSerializer = stateSerializer;
        }

        @Override
        public void open(OpenContext context) {
            ValueStateDescriptor<WindowState> d = new ValueStateDescriptor<>("window", stateSerializer);
            d.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofHours(1)).cleanupIncrementally(1, false).build());
            state = getRuntimeContext().getState(d);
        }

        @Override
        public void processElement(String user, Context ctx, Collector<String> out) throws Exception {
            if (PUT != null) {
                state.update(PUT);
            } else {
                GOT = state.value();
            }
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(Holder f) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(f), u -> u, Types.STRING);
    }

    private static TypeSerializer<WindowState> pojoSerializer() {
        return TypeInformation.of(WindowState.class).createSerializer(new SerializerConfigImpl());
    }

    /** A snapshot as a checkpoint holds it: written, then read back. */
    private static <T> TypeSerializerSnapshot<T> restored(TypeSerializerSnapshot<T> snapshot) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        return TypeSerializerSnapshot.readVersionedSnapshot(new DataInputDeserializer(out.getCopyOfBuffer()),
                WindowStateSerializerTest.class.getClassLoader());
    }

    private static WindowState roundTrip(TypeSerializer<WindowState> s, WindowState st) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        s.serialize(st, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        WindowState back = s.deserialize(in);
        assertEquals(0, in.available(), "everything written is read");
        return back;
    }

    private static RawSamples chunk(long first, int n) {
        String[] channels = {"C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8"};
        double[] ts = new double[n];
        double[] values = new double[n * channels.length];
        for (int s = 0; s < n; s++) {
            ts[s] = (first + s) / 256.0;
            for (int c = 0; c < channels.length; c++) {
                values[s * channels.length + c] = (first + s) * 10 + c;
            }
        }
        return new RawSamples(channels, ts, values, 256);
    }

    /**
     * A state with every field set to a value of its own (reflectively: a field added to any part
     * is set too, so that the round trip fails if the serializer does not write it). The sample
     * buffer holds 3 samples of 2 channels in arrays with spare capacity.
     */
    private static WindowState filled() {
        WindowState st = new WindowState();
        double[] next = {1.5};
        fill(st, next);
        SampleBuffer s = st.getWindow().getSamples();
        s.setChannels(new String[] {"Fp1", "Fp2"});
        s.setTimestamps(new double[] {10.0, 10.25, 10.5, 0, 0, 0});
        s.setValues(new double[] {1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 0});
        s.setSize(3);
        return st;
    }

    private static void fill(Object o, double[] next) {
        for (Field f : fields(o.getClass())) {
            try {
                Class<?> t = f.getType();
                if (t == double.class) {
                    f.setDouble(o, next[0] += 1.25);
                } else if (t == long.class) {
                    f.setLong(o, (long) (next[0] += 1.25) * 1000);
                } else if (t == int.class) {
                    f.setInt(o, (int) (next[0] += 1.25));
                } else if (t == boolean.class) {
                    f.setBoolean(o, true);
                } else if (PARTS.contains(t)) {
                    fill(f.get(o), next);
                } else if (!(o instanceof SampleBuffer)) { // its arrays are set by the caller
                    fail("a field of a kind this test does not know: " + f + "; write it in WindowStateSerializer and fill it here");
                }
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Every field of every part equal (a sample buffer's arrays up to its size). */
    private static void assertSameState(Object expected, Object actual) {
        for (Field f : fields(expected.getClass())) {
            try {
                Object e = f.get(expected);
                Object a = f.get(actual);
                if (e != null && PARTS.contains(f.getType())) {
                    assertSameState(e, a);
                } else if (e instanceof double[] d) {
                    int n = ((SampleBuffer) expected).size() * (f.getName().equals("values")
                            ? ((SampleBuffer) expected).getChannels().length : 1);
                    assertArrayEquals(java.util.Arrays.copyOf(d, n), java.util.Arrays.copyOf((double[]) a, n), f.toString());
                } else if (e instanceof Object[] arr) {
                    assertArrayEquals(arr, (Object[]) a, f.toString());
                } else {
                    assertEquals(e, a, f.toString());
                }
            } catch (IllegalAccessException ex) {
                throw new AssertionError(ex);
            }
        }
    }

    private static List<Field> fields(Class<?> c) {
        List<Field> out = new java.util.ArrayList<>();
        for (Field f : c.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                f.setAccessible(true);
                out.add(f);
            }
        }
        return out;
    }
}
