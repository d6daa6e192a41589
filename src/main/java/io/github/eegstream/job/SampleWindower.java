package io.github.eegstream.job;

import io.github.eegstream.wire.SampleBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Buffers each user's samples and emits windows of {@code size}, every {@code hop}, counted in
 * samples or measured by the samples' own timestamps.
 *
 * <p>Windows count samples, not messages, so per-sample messages and chunks of any size give the
 * same windows. A user silent for the stall timeout (processing time: a stalled stream has no
 * event time) has its state cleared, after its last window is predicted if at least half full.
 */
public final class SampleWindower extends KeyedProcessFunction<String, UserSamples, SampleWindow> {

    private final JobSpec.Window spec;
    private transient ValueState<WindowState> state;
    private transient Counter windows;
    private transient Counter partialWindows;
    private transient Counter stalls;
    private transient Counter layoutChanges;
    private transient AtomicLong activeUsers;

    public SampleWindower(JobSpec.Window spec) {
        this.spec = spec;
    }

    @Override
    public void open(OpenContext context) {
        state = getRuntimeContext().getState(
                new ValueStateDescriptor<>("window", TypeInformation.of(WindowState.class)));
        var metrics = getRuntimeContext().getMetricGroup();
        windows = metrics.counter("windows");
        partialWindows = metrics.counter("partialWindows");
        stalls = metrics.counter("stalledUsers");
        layoutChanges = metrics.counter("channelLayoutChanges");
        activeUsers = new AtomicLong();
        metrics.gauge("activeUsers", activeUsers::get);
    }

    @Override
    public void processElement(UserSamples in, Context ctx, Collector<SampleWindow> out) throws Exception {
        WindowState st = state.value();
        if (st == null) {
            st = new WindowState();
            activeUsers.incrementAndGet();
        }
        SampleBuffer buffer = st.getBuffer();
        if (buffer.append(in.samples())) {
            layoutChanges.inc();
            st.setWindowStart(Double.NaN);
        }
        if (spec.size().unit() == Length.Unit.SAMPLES) {
            emitCountWindows(in.userId(), buffer, out);
        } else {
            emitTimeWindows(in.userId(), st, out);
        }
        long now = ctx.timerService().currentProcessingTime();
        st.setLastArrivalMillis(now);
        if (st.getTimerAtMillis() == 0) { // one pending timer per user, not one per message
            st.setTimerAtMillis(now + spec.stallTimeout().toMillis());
            ctx.timerService().registerProcessingTimeTimer(st.getTimerAtMillis());
        }
        state.update(st);
    }

    private void emitCountWindows(String user, SampleBuffer buffer, Collector<SampleWindow> out) {
        int size = spec.size().sampleCount();
        int hop = spec.hop().sampleCount();
        while (buffer.size() >= size) {
            out.collect(new SampleWindow(user, buffer.take(size), false));
            windows.inc();
            buffer.drop(hop);
        }
    }

    /** Window [start, start + size) is complete once a sample at or after its end has arrived. */
    private void emitTimeWindows(String user, WindowState st, Collector<SampleWindow> out) {
        SampleBuffer buffer = st.getBuffer();
        double size = spec.size().amount();
        double hop = spec.hop().amount();
        if (Double.isNaN(st.getWindowStart())) {
            st.setWindowStart(buffer.timestampAt(0));
        }
        while (!buffer.isEmpty() && buffer.timestampAt(buffer.size() - 1) >= st.getWindowStart() + size) {
            int inWindow = countBefore(buffer, st.getWindowStart() + size);
            if (inWindow > 0) {
                out.collect(new SampleWindow(user, buffer.take(inWindow), false));
                windows.inc();
            }
            st.setWindowStart(st.getWindowStart() + hop);
            buffer.drop(countBefore(buffer, st.getWindowStart()));
            if (!buffer.isEmpty() && buffer.timestampAt(0) >= st.getWindowStart() + size) {
                st.setWindowStart(buffer.timestampAt(0)); // after a gap: no empty windows
            }
        }
    }

    private static int countBefore(SampleBuffer buffer, double time) {
        int n = 0;
        while (n < buffer.size() && buffer.timestampAt(n) < time) {
            n++;
        }
        return n;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SampleWindow> out) throws Exception {
        WindowState st = state.value();
        if (st == null) {
            return;
        }
        long stall = spec.stallTimeout().toMillis();
        long silentFor = timestamp - st.getLastArrivalMillis();
        if (silentFor < stall) {
            st.setTimerAtMillis(st.getLastArrivalMillis() + stall);
            ctx.timerService().registerProcessingTimeTimer(st.getTimerAtMillis());
            state.update(st);
            return;
        }
        SampleBuffer buffer = st.getBuffer();
        if (spec.flushPartial() && !buffer.isEmpty() && isAtLeastHalfFull(buffer)) {
            out.collect(new SampleWindow(ctx.getCurrentKey(), buffer.take(buffer.size()), true));
            partialWindows.inc();
        }
        stalls.inc();
        activeUsers.decrementAndGet();
        state.clear();
    }

    private boolean isAtLeastHalfFull(SampleBuffer buffer) {
        if (spec.size().unit() == Length.Unit.SAMPLES) {
            return buffer.size() * 2 >= spec.size().sampleCount();
        }
        return (buffer.timestampAt(buffer.size() - 1) - buffer.timestampAt(0)) * 2 >= spec.size().amount();
    }
}
