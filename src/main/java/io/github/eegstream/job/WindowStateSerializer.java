package io.github.eegstream.job;

import io.github.eegstream.dsp.TimelineState;
import io.github.eegstream.dsp.WindowBuffer;
import io.github.eegstream.dsp.Windowing;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.SampleBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * {@link SampleWindower}'s keyed state, written as checkpoints and savepoints need it: a user's
 * buffered samples only (not the buffer's spare capacity, up to half of it), and its doubles in
 * blocks rather than one {@code writeDouble} each. Flink's POJO serializer did both: at 5,000
 * users a checkpoint was 95 MB and its asynchronous part took a core for up to a second, every
 * 10 s, which was most of the benchmark's p99 (docs/performance.md).
 *
 * <p>A copy hands the sample buffer over rather than duplicating it: the copy takes the
 * original's buffer, and the original is left a compact copy of the same samples. On the heap
 * backend, every user's state is copied as the task first touches it after a checkpoint started
 * (copy-on-write): the copy goes on as the state, the original is the checkpoint's. Duplicating
 * every buffer then (at 5,000 users, 185 MB of long-lived arrays within a fraction of a second)
 * left the young collections that followed to move them all, which made the chunks' p99
 * (docs/performance.md); handed over, the state keeps its
 * arrays (long since in the old generation) and the checkpoint's compact copies, of the samples
 * only, die when it is written. The original may be being written by the checkpoint's thread at
 * that moment: {@link #copy} and {@link #serialize} hold the state's monitor.
 *
 * <p>State written by the POJO serializer (savepoints of earlier versions) is read with it and
 * written with this one from then on: its snapshot resolves to {@code compatibleAfterMigration}.
 * Every field of the state and of what it holds is written; {@code WindowStateSerializerTest}
 * fails for a field added but not written here.
 */
public final class WindowStateSerializer extends TypeSerializer<WindowState> {

    private static final long serialVersionUID = 1L;
    private static final int SCRATCH_DOUBLES = 1024;
    /** Twice what the windower ever buffers ({@link Windowing#MAX_BUFFERED_VALUES}). */
    private static final long MAX_VALUES = 2L * Windowing.MAX_BUFFERED_VALUES;

    /** Per instance (Flink duplicates serializers per thread): doubles go through it in blocks. */
    private transient ByteBuffer scratch;
    /** Per instance: a state is written here under its monitor, then to the stream. */
    private transient org.apache.flink.core.memory.DataOutputSerializer held;
    private static final int HELD_KEPT_BYTES = 1 << 20;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<WindowState> duplicate() {
        return new WindowStateSerializer();
    }

    @Override
    public WindowState createInstance() {
        return new WindowState();
    }

    @Override
    public WindowState copy(WindowState from) {
        // Changes its argument (it is left the compact copy): safe because serialize, under the
        // same monitor, is the only reader on another thread. A new one must take it too.
        synchronized (from) { // the checkpoint's thread may be writing it (see the class comment)
            return copyHeld(from);
        }
    }

    private static WindowState copyHeld(WindowState from) {
        WindowState to = new WindowState();
        to.setWindow(handOver(from.getWindow()));
        to.setTimeline(copy(from.getTimeline()));
        to.setAdmission(copy(from.getAdmission()));
        to.setActive(from.isActive());
        to.setLastArrivalMillis(from.getLastArrivalMillis());
        to.setLastReceivedMillis(from.getLastReceivedMillis());
        to.setTimerAtMillis(from.getTimerAtMillis());
        return to;
    }

    /**
     * A copy of the window buffer that takes the original's sample buffer, the original left a
     * compact copy of the same samples: equal either way, and nothing long-lived allocated.
     */
    private static WindowBuffer handOver(WindowBuffer from) {
        if (from == null) {
            return null;
        }
        WindowBuffer to = new WindowBuffer();
        to.setWindowStart(from.getWindowStart());
        SampleBuffer s = from.getSamples();
        to.setSamples(s);
        if (s != null) {
            from.setSamples(compact(s));
        }
        return to;
    }

    /**
     * The same samples in arrays of just their size; a buffer whose arrays do not hold its size
     * is copied as it is, so that writing it still fails as inconsistent.
     */
    private static SampleBuffer compact(SampleBuffer s) {
        SampleBuffer c = new SampleBuffer();
        int size = s.getSize();
        int width = s.getChannels() == null ? 0 : s.getChannels().length;
        double[] ts = s.getTimestamps();
        double[] vs = s.getValues();
        boolean consistent = size >= 0 && ts != null && vs != null && ts.length >= size && vs.length >= (long) size * width;
        c.setChannels(s.getChannels() == null ? null : s.getChannels().clone());
        c.setRate(s.getRate());
        c.setTimestamps(ts == null ? null : consistent ? java.util.Arrays.copyOf(ts, size) : ts.clone());
        c.setValues(vs == null ? null : consistent ? java.util.Arrays.copyOf(vs, size * width) : vs.clone());
        c.setSize(size);
        return c;
    }

    private static TimelineState copy(TimelineState from) {
        if (from == null) {
            return null;
        }
        TimelineState to = new TimelineState();
        to.setLast(from.getLast());
        to.setStalled(from.isStalled());
        return to;
    }

    private static Admission copy(Admission from) {
        if (from == null) {
            return null;
        }
        Admission to = new Admission();
        to.setTokens(from.getTokens());
        to.setRefilledAtMillis(from.getRefilledAtMillis());
        to.setStreamRate(from.getStreamRate());
        to.setLimited(from.isLimited());
        to.setLastDropMillis(from.getLastDropMillis());
        return to;
    }

    @Override
    public WindowState copy(WindowState from, WindowState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(WindowState st, DataOutputView out) throws IOException {
        // Written to memory under the monitor (the task's thread may be copying the state: see the
        // class comment), to the checkpoint's stream after it: a slow stream never holds the task.
        org.apache.flink.core.memory.DataOutputSerializer held = held();
        held.clear();
        synchronized (st) {
            serializeHeld(st, held);
        }
        out.write(held.getSharedBuffer(), 0, held.length());
        if (held.getSharedBuffer().length > HELD_KEPT_BYTES) {
            this.held = null; // one huge state does not pin its size for the rest of the job
        }
    }

    private org.apache.flink.core.memory.DataOutputSerializer held() {
        if (held == null) {
            held = new org.apache.flink.core.memory.DataOutputSerializer(64 * 1024);
        }
        return held;
    }

    private void serializeHeld(WindowState st, DataOutputView out) throws IOException {
        WindowBuffer window = st.getWindow();
        out.writeBoolean(window != null);
        if (window != null) {
            out.writeDouble(window.getWindowStart());
            SampleBuffer s = window.getSamples();
            out.writeBoolean(s != null);
            if (s != null) {
                writeSamples(s, out);
            }
        }
        TimelineState timeline = st.getTimeline();
        out.writeBoolean(timeline != null);
        if (timeline != null) {
            out.writeDouble(timeline.getLast());
            out.writeBoolean(timeline.isStalled());
        }
        Admission admission = st.getAdmission();
        out.writeBoolean(admission != null);
        if (admission != null) {
            out.writeDouble(admission.getTokens());
            out.writeLong(admission.getRefilledAtMillis());
            out.writeDouble(admission.getStreamRate());
            out.writeBoolean(admission.isLimited());
            out.writeLong(admission.getLastDropMillis());
        }
        out.writeBoolean(st.isActive());
        out.writeLong(st.getLastArrivalMillis());
        out.writeLong(st.getLastReceivedMillis());
        out.writeLong(st.getTimerAtMillis());
    }

    private void writeSamples(SampleBuffer s, DataOutputView out) throws IOException {
        String[] channels = s.getChannels();
        int size = s.getSize();
        int width = channels == null ? 0 : channels.length;
        double[] timestamps = s.getTimestamps();
        double[] values = s.getValues();
        // What the buffer's own methods rely on; state that breaks it is not written as if it held.
        if (size < 0 || timestamps == null || values == null || timestamps.length < size
                || values.length < (long) size * width) {
            throw new IOException("inconsistent sample buffer: " + size + " samples of " + width + " channels, arrays of "
                    + (timestamps == null ? "null" : timestamps.length) + " and " + (values == null ? "null" : values.length));
        }
        out.writeInt(channels == null ? -1 : channels.length);
        for (int c = 0; c < width; c++) {
            out.writeBoolean(channels[c] != null);
            if (channels[c] != null) {
                StringValue.writeString(channels[c], out); // no 64 KB limit, unlike writeUTF
            }
        }
        out.writeDouble(s.getRate());
        out.writeInt(size);
        writeDoubles(timestamps, size, out);
        writeDoubles(values, size * width, out);
    }

    private void writeDoubles(double[] a, int n, DataOutputView out) throws IOException {
        ByteBuffer buf = scratch();
        for (int from = 0; from < n; from += SCRATCH_DOUBLES) {
            int k = Math.min(SCRATCH_DOUBLES, n - from);
            buf.asDoubleBuffer().put(a, from, k); // big-endian, as writeDouble
            out.write(buf.array(), 0, k * Double.BYTES);
        }
    }

    private double[] readDoubles(int n, DataInputView in) throws IOException {
        double[] a = new double[n];
        ByteBuffer buf = scratch();
        for (int from = 0; from < n; from += SCRATCH_DOUBLES) {
            int k = Math.min(SCRATCH_DOUBLES, n - from);
            in.readFully(buf.array(), 0, k * Double.BYTES);
            buf.asDoubleBuffer().get(a, from, k);
        }
        return a;
    }

    private ByteBuffer scratch() {
        if (scratch == null) {
            scratch = ByteBuffer.allocate(SCRATCH_DOUBLES * Double.BYTES);
        }
        return scratch;
    }

    @Override
    public WindowState deserialize(DataInputView in) throws IOException {
        WindowState st = new WindowState();
        if (in.readBoolean()) {
            WindowBuffer window = new WindowBuffer();
            window.setWindowStart(in.readDouble());
            window.setSamples(in.readBoolean() ? readSamples(in) : null);
            st.setWindow(window);
        } else {
            st.setWindow(null);
        }
        if (in.readBoolean()) {
            TimelineState timeline = new TimelineState();
            timeline.setLast(in.readDouble());
            timeline.setStalled(in.readBoolean());
            st.setTimeline(timeline);
        } else {
            st.setTimeline(null);
        }
        if (in.readBoolean()) {
            Admission admission = new Admission();
            admission.setTokens(in.readDouble());
            admission.setRefilledAtMillis(in.readLong());
            admission.setStreamRate(in.readDouble());
            admission.setLimited(in.readBoolean());
            admission.setLastDropMillis(in.readLong());
            st.setAdmission(admission);
        } else {
            st.setAdmission(null);
        }
        st.setActive(in.readBoolean());
        st.setLastArrivalMillis(in.readLong());
        st.setLastReceivedMillis(in.readLong());
        st.setTimerAtMillis(in.readLong());
        return st;
    }

    private SampleBuffer readSamples(DataInputView in) throws IOException {
        SampleBuffer s = new SampleBuffer();
        int width = in.readInt();
        // Bounded before anything is allocated: corrupt state is an error, not an OutOfMemoryError.
        if (width > RawSamples.MAX_CHANNELS) {
            throw new IOException("corrupt window state: " + width + " channels (at most " + RawSamples.MAX_CHANNELS + ")");
        }
        String[] channels = null;
        if (width >= 0) {
            channels = new String[width];
            for (int c = 0; c < width; c++) {
                channels[c] = in.readBoolean() ? StringValue.readString(in) : null;
            }
        }
        s.setChannels(channels);
        s.setRate(in.readDouble());
        int size = in.readInt();
        long n = (long) size * Math.max(1, width);
        if (size < 0 || n > MAX_VALUES) {
            throw new IOException("corrupt window state: " + size + " samples of " + width + " channels");
        }
        s.setTimestamps(readDoubles(size, in));
        s.setValues(readDoubles((int) ((long) size * Math.max(0, width)), in));
        s.setSize(size);
        return s;
    }

    @Override
    public WindowState deserialize(WindowState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof WindowStateSerializer;
    }

    @Override
    public int hashCode() {
        return WindowStateSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<WindowState> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * This serializer's snapshot in checkpoints and savepoints, which records the format the state
     * was written in ({@link #FORMAT}). Restoring state that Flink's POJO serializer wrote (this
     * job's savepoints before this serializer), it asks for migration: the state is read with the
     * POJO serializer and written with this one from then on. A change of the format must raise
     * {@link #FORMAT}, keep a reader of the formats before it, and migrate from them the same way.
     */
    public static final class Snapshot implements TypeSerializerSnapshot<WindowState> {

        /** The format {@link WindowStateSerializer} writes. */
        static final int FORMAT = 1;
        private int format = FORMAT;

        /** For Flink, which reads the format with {@link #readSnapshot}. */
        public Snapshot() {}

        @Override
        public int getCurrentVersion() {
            return FORMAT;
        }

        @Override
        public void writeSnapshot(DataOutputView out) {
            // the version Flink writes with it is the format
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
            if (readVersion < 1 || readVersion > FORMAT) {
                throw new IOException("window state in format " + readVersion + ", which this version cannot read (it reads 1 to "
                        + FORMAT + "): restore it with the version that wrote it");
            }
            format = readVersion;
        }

        @Override
        public TypeSerializer<WindowState> restoreSerializer() {
            return new WindowStateSerializer(); // the only format so far
        }

        @Override
        public TypeSerializerSchemaCompatibility<WindowState> resolveSchemaCompatibility(
                TypeSerializerSnapshot<WindowState> oldSerializerSnapshot) {
            if (oldSerializerSnapshot instanceof Snapshot old) {
                return old.format == FORMAT ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                        : TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            if (oldSerializerSnapshot instanceof PojoSerializerSnapshot<WindowState> pojo
                    && pojo.restoreSerializer().createInstance() instanceof WindowState) {
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
