package io.github.eegstream.job;

import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.dsp.Timeline;
import io.github.eegstream.dsp.WindowBuffer;
import io.github.eegstream.dsp.Windowing;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.SampleBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Buffers each user's samples in keyed state and emits their windows ({@link Windowing}), after
 * admitting them ({@link Admission}, pub/sub mode) and following their timestamps
 * ({@link Timeline}): repeats are dropped, gaps and clock jumps reported, and a jump starts a new
 * segment of the user's timeline. Work per message is bounded by the samples it carries.
 *
 * <p>A user silent for the stall timeout has its window buffer emptied, after its last window is
 * passed on if at least half full, and the stall is passed on so that an alert can be raised. Its
 * timeline outlives that, for {@code state.user-ttl}: what a relay sends again after a long
 * outage is still a repeat. Then the user's state is cleared and {@link SampleWindow.Kind#EXPIRED}
 * passed on, so that the analysis clears its own. Expiry is this operator's timer, one per user
 * (see {@link WindowerOperator} for restored state), not Flink's state TTL, whose wrapper and
 * per-access sweep were a sixth of the task thread (docs/performance.md). In pub/sub mode
 * silence is measured in processing time (a stalled stream has no event time). In durable mode every decision comes from the data alone, so that a
 * job restored from a checkpoint cuts the same windows from the same entries as the first run
 * did: there a stall is a step of at least the stall timeout between two samples' timestamps,
 * decided when the later one arrives, and a timer decides nothing but the user's expiry.
 */
public final class SampleWindower extends KeyedProcessFunction<String, UserSamples, SampleWindow> {

    /** Counter: gaps between a user's messages longer than {@code window.gap-alert}. */
    public static final String SAMPLE_GAPS = "sampleGaps";
    /** Counter: samples dropped by a user's admission limit. */
    public static final String RATE_LIMITED_SAMPLES = "rateLimitedSamples";
    /** Counter: a user's oldest samples dropped because its buffer held more than it may. */
    public static final String OVERFLOW_SAMPLES = "overflowSamples";
    /** Counter: users whose state was cleared, {@code state.user-ttl} after they were last heard. */
    public static final String EXPIRED_USERS = "expiredUsers";
    /** The name of the windower's keyed state. */
    static final String STATE_NAME = "window";

    private final JobSpec.Window spec;
    private final JobSpec.Admission admissionSpec;
    private final long userTtlMillis;
    private final long stallMillis;
    private final boolean durable;
    private transient Windowing windowing;
    private transient Timeline timeline;
    private transient ValueState<WindowState> state;
    private transient Counter windows;
    private transient Counter partialWindows;
    private transient Counter stalls;
    private transient Counter layoutChanges;
    private transient Counter gaps;
    private transient Counter repeatedSamples;
    private transient Counter clockJumps;
    private transient Counter droppedSamples;
    private transient Counter overflowSamples;
    private transient Counter retentionGaps;
    private transient Counter expiredUsers;
    private transient AtomicLong activeUsers;
    /**
     * When this instance started (a job restored from a checkpoint was not receiving before), on
     * its timers' clock: {@link WindowerOperator} sets it.
     */
    private transient long startedMillis;
    private transient Routing events;

    public SampleWindower(JobSpec spec) {
        this.spec = spec.window();
        this.admissionSpec = spec.admission();
        this.userTtlMillis = spec.state().userTtl().toMillis();
        this.stallMillis = this.spec.stallTimeout().toMillis();
        this.durable = spec.source().durable();
        this.spec.windowing(); // an invalid size or hop fails the job at submission
        this.spec.timeline();
    }

    @Override
    public void open(OpenContext context) {
        windowing = spec.windowing();
        timeline = spec.timeline();
        state = getRuntimeContext().getState(descriptor());
        var metrics = getRuntimeContext().getMetricGroup();
        windows = metrics.counter("windows");
        partialWindows = metrics.counter("partialWindows");
        stalls = metrics.counter("stalledUsers");
        layoutChanges = metrics.counter("channelLayoutChanges");
        gaps = metrics.counter(SAMPLE_GAPS);
        repeatedSamples = metrics.counter("repeatedSamples");
        clockJumps = metrics.counter("clockJumps");
        droppedSamples = metrics.counter(RATE_LIMITED_SAMPLES);
        overflowSamples = metrics.counter(OVERFLOW_SAMPLES);
        retentionGaps = metrics.counter("retentionGaps");
        expiredUsers = metrics.counter(EXPIRED_USERS);
        activeUsers = new AtomicLong();
        events = new Routing();
        metrics.gauge("activeUsers", activeUsers::get);
    }

    /**
     * The windower's state, in its own serializer: the POJO serializer's checkpoints were the p99's
     * largest cause (see there). No TTL: state written with one (before expiry was this
     * operator's) is read without it, as Flink reads such state since 2.2.
     */
    static ValueStateDescriptor<WindowState> descriptor() {
        return new ValueStateDescriptor<>(STATE_NAME, new WindowStateSerializer());
    }

    @Override
    public void processElement(UserSamples in, Context ctx, Collector<SampleWindow> out) throws Exception {
        WindowState st = state.value();
        if (st == null) {
            st = new WindowState();
        }
        String user = in.userId();
        long now = ctx.timerService().currentProcessingTime();
        if (in.lost() != null) {
            retentionGaps.inc();
            // News of the user, if not from it: the analysis keeps state for its alert, which this
            // user's expiry clears, so it needs a timer like any other.
            heard(st, now, ctx.timerService());
            state.update(st);
            out.collect(SampleWindow.event(user, SampleWindow.Kind.RETENTION_GAP, in.lost().fromMillis() / 1000.0,
                    in.lost().toMillis() / 1000.0));
            return;
        }
        // When the message reached the job (the reader stamps it), not when this task got to it:
        // a backlog drained fast must not look like a clock racing ahead.
        long arrived = in.arrivedMillis() > 0 ? in.arrivedMillis() : now;
        if (!durable && !admitted(st, in, now, out)) {
            state.update(st);
            return;
        }
        if (!st.isActive()) {
            st.setActive(true);
            activeUsers.incrementAndGet();
        }
        // Elapsed time tells a clock racing ahead from samples that went missing; a durable
        // stream's backlog is read faster than it was written, so there it tells nothing.
        double elapsed = durable || st.getLastReceivedMillis() == 0 ? Double.NaN
                : (arrived - st.getLastReceivedMillis()) / 1000.0;
        if (durable && stalledBetween(st, in.samples())) {
            stall(user, st, out);
            st.setActive(true);
            activeUsers.incrementAndGet();
        }
        events.user = user;
        events.state = st;
        events.out = out;
        timeline.accept(st.getTimeline(), in.samples(), elapsed, events);
        st.setLastReceivedMillis(arrived);
        heard(st, now, ctx.timerService());
        state.update(st);
    }

    /**
     * The user was heard now: its silence, and so its stall check and expiry, count from here.
     * One pending timer per user, not one per message. A stalled user's expiry, far off, gives
     * way to the stall check of a user heard again, and is deleted: a relay stalling and coming
     * back all day must not pile up a day of timers. A timer noted but already past is
     * registered anew: it may be one no job registered (a rollback to a version without these
     * timers, and back), and if it is only about to fire, onTimer lets it pass.
     */
    private void heard(WindowState st, long now, TimerService timers) {
        st.setLastArrivalMillis(now);
        long due = now + (durable ? userTtlMillis : stallMillis);
        long pending = st.getTimerAtMillis();
        if (pending == 0 || pending > due || pending < now) {
            if (pending > due) {
                timers.deleteProcessingTimeTimer(pending);
            }
            schedule(st, due, timers);
        }
    }

    private static void schedule(WindowState st, long at, TimerService timers) {
        st.setTimerAtMillis(at);
        timers.registerProcessingTimeTimer(at);
    }

    /**
     * When the user's state expires: {@code state.user-ttl} after it was last heard, as Flink's TTL
     * counted, whatever restarts came between (else a job restarted more often than that would
     * keep every id it ever heard). In pub/sub mode not before a stall timeout after this
     * instance started, so that a job back from a long downtime hears its users before it takes
     * them for gone. Not so in durable mode, whose replay after a failover must decide as the
     * first run did: a user that expired then expires at once in the replay too.
     */
    private long expiresAt(WindowState st) {
        long expires = st.getLastArrivalMillis() + userTtlMillis;
        return durable ? expires : Math.max(expires, startedMillis + stallMillis);
    }

    /** The processing time this instance started at; {@link WindowerOperator} sets it from its timer service's clock. */
    void started(long millis) {
        startedMillis = millis;
    }

    /**
     * Once per restored user, in the one pass over the users after a restore of state from
     * before expiry was the windower's ({@link WindowerOperator}). A user without a pending timer
     * (Flink's TTL expired it then: a stalled user had none) gets one, so that it expires even if
     * never heard from again; a pending timer is registered again, as it may be one a durable
     * job of then never registered (Flink keeps one timer per user and time).
     *
     * @return true if the state changed
     */
    boolean restored(WindowState st, TimerService timers) {
        if (st.getTimerAtMillis() != 0) {
            timers.registerProcessingTimeTimer(st.getTimerAtMillis());
            return false;
        }
        schedule(st, expiresAt(st), timers);
        return true;
    }

    /** Applies the user's admission limit; false if the message is dropped. */
    private boolean admitted(WindowState st, UserSamples in, long now, Collector<SampleWindow> out) {
        Admission admission = st.getAdmission();
        int n = in.samples().sampleCount();
        Admission.Verdict verdict = admission.admit(n, streamRate(in.samples(), st.getWindow()), admissionSpec, now);
        double last = Double.isNaN(st.getTimeline().getLast()) ? 0 : st.getTimeline().getLast();
        switch (verdict) {
            case ADMITTED -> {
                return true;
            }
            case RESTORED -> {
                out.collect(SampleWindow.event(in.userId(), SampleWindow.Kind.RATE_RESTORED, 0, last));
                return true;
            }
            case EXCEEDED -> out.collect(SampleWindow.event(in.userId(), SampleWindow.Kind.RATE_EXCEEDED,
                    admission.limit(admissionSpec), last));
            case DROPPED -> { }
        }
        droppedSamples.inc(n);
        return false;
    }

    /** The stream's rate: declared by its chunks, else measured over its window buffer; 0 if unknown yet. */
    private static double streamRate(RawSamples samples, WindowBuffer window) {
        if (samples.rate() > 0) {
            return samples.rate();
        }
        SampleBuffer buffer = window.getSamples();
        int n = buffer.size();
        if (n < 2) {
            return 0;
        }
        double span = buffer.timestampAt(n - 1) - buffer.timestampAt(0);
        return span > 0 ? (n - 1) / span : 0;
    }

    /**
     * What the timeline's verdicts do to the current message's user: one instance, pointed at each
     * message's user in turn, so that following a message allocates nothing.
     */
    private final class Routing implements Timeline.Events, java.util.function.Consumer<RawSamples> {
        private String user;
        private WindowState state;
        private Collector<SampleWindow> out;

        @Override
        public void samples(RawSamples run) {
            if (windowing.add(state.getWindow(), run, this)) {
                layoutChanges.inc();
            }
            overflowSamples.inc(windowing.trim(state.getWindow(), admissionSpec.maxRate()));
        }

        /** A window the samples completed. */
        @Override
        public void accept(RawSamples window) {
            emit(user, window, false, out);
        }

        @Override
        public void repeats(int count) {
            repeatedSamples.inc(count);
        }

        @Override
        public void gap(double from, double to) {
            gaps.inc();
            if (!state.getAdmission().isLimited()) { // a limited user's gaps are its own drops
                out.collect(SampleWindow.event(user, SampleWindow.Kind.GAP, from, to));
            }
        }

        @Override
        public void jump(double from, double to) {
            clockJumps.inc();
            flushPartial(user, state, out);
            out.collect(SampleWindow.event(user, SampleWindow.Kind.CLOCK_JUMP, from, to));
        }
    }

    private void emit(String user, RawSamples window, boolean partial, Collector<SampleWindow> out) {
        out.collect(SampleWindow.of(user, window, partial));
        windows.inc();
        if (partial) {
            partialWindows.inc();
        }
    }

    /** Passes on what the user's buffer holds, if at least half a window (and the spec says so), and empties it. */
    private void flushPartial(String user, WindowState st, Collector<SampleWindow> out) {
        RawSamples rest = spec.flushPartial() ? windowing.remainder(st.getWindow()) : null;
        if (rest != null) {
            emit(user, rest, true, out);
        }
        st.setWindow(new WindowBuffer());
    }

    /**
     * Durable mode: whether the user's stream fell silent for the stall timeout before these
     * samples, by their timestamps (the data's time, the same in every replay).
     */
    private boolean stalledBetween(WindowState st, RawSamples samples) {
        double last = st.getTimeline().getLast();
        if (Double.isNaN(last) || st.getTimeline().isStalled() || samples.sampleCount() == 0) {
            return false;
        }
        return samples.timestamps()[0] - last >= spec.stallTimeout().toNanos() / 1e9;
    }

    /**
     * The user's one timer: in pub/sub mode an active user's stall check, then (and in durable
     * mode, which decides stalls from the data alone) its expiry.
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SampleWindow> out) throws Exception {
        WindowState st = state.value();
        if (st == null || timestamp < st.getTimerAtMillis()) {
            return; // not the user's pending timer (an older job's), which will come
        }
        st.setTimerAtMillis(0);
        if (!durable && st.isActive()) {
            // Silence is counted from the last arrival, or from this instance's start: after a restore
            // the job was down, not the user's stream, and its samples are being read again.
            long lastHeard = Math.max(st.getLastArrivalMillis(), startedMillis);
            if (timestamp - lastHeard < stallMillis) {
                schedule(st, lastHeard + stallMillis, ctx.timerService());
                state.update(st);
                return;
            }
            stall(ctx.getCurrentKey(), st, out);
        }
        long expires = expiresAt(st);
        if (timestamp < expires) {
            schedule(st, expires, ctx.timerService());
            state.update(st);
            return;
        }
        if (st.isActive()) { // durable mode: silent for the whole TTL, so never stalled by its data
            activeUsers.updateAndGet(n -> Math.max(0, n - 1));
        }
        state.clear();
        expiredUsers.inc();
        out.collect(SampleWindow.event(ctx.getCurrentKey(), SampleWindow.Kind.EXPIRED, 0, 0));
    }

    /** The user's stream stalled: its last window passed on if half full, the stall reported, the user inactive. */
    private void stall(String user, WindowState st, Collector<SampleWindow> out) {
        flushPartial(user, st, out);
        out.collect(SampleWindow.event(user, SampleWindow.Kind.STALL, st.getTimeline().getLast(),
                st.getTimeline().getLast()));
        stalls.inc();
        activeUsers.updateAndGet(n -> Math.max(0, n - 1)); // users restored from a checkpoint were not counted
        st.setActive(false);
        st.getTimeline().setStalled(true);
    }
}
