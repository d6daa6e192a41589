package io.github.eegstream.job;

import io.github.eegstream.dsp.Windowing;
import io.github.eegstream.wire.RawSamples;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Buffers each user's samples in keyed state and emits their windows ({@link Windowing}).
 *
 * <p>A user silent for the stall timeout (processing time: a stalled stream has no event time)
 * has its window state cleared, after its last window is passed on if at least half full, and
 * the stall is passed on so that an alert can be raised. So is a jump in the samples' timestamps
 * (samples lost before they reached the job, for example while its connection to Redis was down).
 * Samples stamped at or before the user's latest are repeats and are dropped (and counted).
 */
public final class SampleWindower extends KeyedProcessFunction<String, UserSamples, SampleWindow> {

    private final JobSpec.Window spec;
    private transient Windowing windowing;
    private transient ValueState<WindowState> state;
    private transient Counter windows;
    private transient Counter partialWindows;
    private transient Counter stalls;
    private transient Counter layoutChanges;
    private transient Counter gaps;
    private transient Counter repeatedSamples;
    private transient double gapSeconds;
    private transient AtomicLong activeUsers;
    /** When this instance started: a job restored from a checkpoint was not receiving before. */
    private transient long startedMillis;

    public SampleWindower(JobSpec.Window spec) {
        this.spec = spec;
        spec.windowing(); // an invalid size or hop fails the job at submission
    }

    @Override
    public void open(OpenContext context) {
        windowing = spec.windowing();
        state = getRuntimeContext().getState(
                new ValueStateDescriptor<>("window", TypeInformation.of(WindowState.class)));
        var metrics = getRuntimeContext().getMetricGroup();
        windows = metrics.counter("windows");
        partialWindows = metrics.counter("partialWindows");
        stalls = metrics.counter("stalledUsers");
        layoutChanges = metrics.counter("channelLayoutChanges");
        gaps = metrics.counter("sampleGaps");
        repeatedSamples = metrics.counter("repeatedSamples");
        gapSeconds = spec.gapAlert().toNanos() / 1e9;
        activeUsers = new AtomicLong();
        startedMillis = System.currentTimeMillis();
        metrics.gauge("activeUsers", activeUsers::get);
    }

    @Override
    public void processElement(UserSamples in, Context ctx, Collector<SampleWindow> out) throws Exception {
        WindowState st = state.value();
        if (st == null) {
            st = new WindowState();
            activeUsers.incrementAndGet();
        }
        RawSamples samples = in.samples().after(st.getLastTimestamp());
        if (samples == null) { // a repeat: relays send their last second again after an outage
            repeatedSamples.inc(in.samples().sampleCount());
            return;
        }
        repeatedSamples.inc(in.samples().sampleCount() - samples.sampleCount());
        double first = samples.timestamps()[0];
        if (st.getLastTimestamp() > 0 && first - st.getLastTimestamp() > gapSeconds) {
            gaps.inc();
            out.collect(SampleWindow.gap(in.userId(), st.getLastTimestamp(), first));
        }
        boolean reset = windowing.add(st.getWindow(), samples, w -> {
            out.collect(SampleWindow.of(in.userId(), w));
            windows.inc();
        });
        if (reset) {
            layoutChanges.inc();
        }
        st.setLastTimestamp(samples.timestamps()[samples.sampleCount() - 1]);
        long now = ctx.timerService().currentProcessingTime();
        st.setLastArrivalMillis(now);
        if (st.getTimerAtMillis() == 0) { // one pending timer per user, not one per message
            st.setTimerAtMillis(now + spec.stallTimeout().toMillis());
            ctx.timerService().registerProcessingTimeTimer(st.getTimerAtMillis());
        }
        state.update(st);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SampleWindow> out) throws Exception {
        WindowState st = state.value();
        if (st == null) {
            return;
        }
        long stall = spec.stallTimeout().toMillis();
        // Silence is counted from the last arrival, or from this instance's start: after a restore
        // the job was down, not the user's stream, and its samples are being read again.
        long lastHeard = Math.max(st.getLastArrivalMillis(), startedMillis);
        if (timestamp - lastHeard < stall) {
            st.setTimerAtMillis(lastHeard + stall);
            ctx.timerService().registerProcessingTimeTimer(st.getTimerAtMillis());
            state.update(st);
            return;
        }
        RawSamples rest = spec.flushPartial() ? windowing.remainder(st.getWindow()) : null;
        if (rest != null) {
            partialWindows.inc();
        }
        out.collect(SampleWindow.stall(ctx.getCurrentKey(), rest, st.getLastTimestamp()));
        stalls.inc();
        activeUsers.decrementAndGet();
        state.clear();
    }
}
