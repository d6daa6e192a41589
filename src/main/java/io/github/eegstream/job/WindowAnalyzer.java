package io.github.eegstream.job;

import io.github.eegstream.connector.redis.sink.Publication;
import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.model.UserState;
import io.github.eegstream.model.WindowAnalysis;
import io.github.eegstream.wire.Alert;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.connector.redis.SampledLog;
import io.github.eegstream.wire.WireCodec;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Runs {@link WindowAnalysis} on each user's windows, with the user's calibration and alert state
 * kept in keyed state (cleared when the windower says the user expired, {@code state.user-ttl} after
 * it was last heard), and turns
 * its results into publications on the user's features, predictions and alerts channels.
 */
public final class WindowAnalyzer extends KeyedProcessFunction<String, SampleWindow, Publication> {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WindowAnalyzer.class);

    private final JobSpec spec;
    private transient WindowAnalysis analysis;
    private transient ValueState<UserState> state;
    /** The user's last output sequence: outputs' sequences only ever increase. */
    private transient ValueState<Long> lastSequence;
    private transient long sequence;
    private transient WireCodec codec;
    private transient Counter predictions;
    private transient Counter featuresOut;
    private transient Counter alertsOut;
    private transient Counter unpredictable;
    private transient Counter modelErrors;
    private transient Histogram latencyMillis;

    public WindowAnalyzer(JobSpec spec) {
        this.spec = spec;
        new WindowAnalysis(spec.analysis()).close(); // a missing model or bad rule fails the job at submission
    }

    @Override
    public void open(OpenContext context) {
        analysis = new WindowAnalysis(spec.analysis());
        codec = new WireCodec();
        // No TTL: the windower says when a user expires (SampleWindow.Kind.EXPIRED), and both are
        // cleared then. Flink's TTL here, read per window, cost a tenth of the job's CPU
        // (docs/performance.md). State written with it, before, is read without it (Flink 2.2+).
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("user", TypeInformation.of(UserState.class)));
        lastSequence = getRuntimeContext().getState(new ValueStateDescriptor<>("sequence", Long.class));
        var metrics = getRuntimeContext().getMetricGroup();
        predictions = metrics.counter("predictions");
        featuresOut = metrics.counter("featuresPublished");
        alertsOut = metrics.counter("alerts");
        unpredictable = metrics.counter("unpredictableWindows");
        modelErrors = metrics.counter("modelErrors");
        latencyMillis = metrics.histogram("windowLatencyMs", new DescriptiveStatisticsHistogram(10_000));
    }

    @Override
    public void processElement(SampleWindow window, Context ctx, Collector<Publication> out) throws Exception {
        if (window.kind() == SampleWindow.Kind.EXPIRED) {
            state.clear();
            lastSequence.clear();
            return;
        }
        UserState user = state.value();
        if (user == null) {
            user = new UserState();
        }
        Long last = lastSequence.value();
        sequence = last == null ? 0 : last;
        String id = window.userId();
        switch (window.kind()) {
            case WINDOW -> analyze(id, window, user, out);
            case GAP -> publishAlerts(id, List.of(analysis.samplesMissing(window.from(), window.to())), out,
                    window.to(), 0);
            case CLOCK_JUMP -> publishAlerts(id, analysis.clockJump(user, window.from(), window.to()), out,
                    window.to(), 0);
            case RATE_EXCEEDED -> publishAlerts(id, analysis.rateExceeded(user, window.from(), window.to()), out,
                    window.to(), 0);
            case RATE_RESTORED -> publishAlerts(id, analysis.rateRestored(user, window.to()), out, window.to(), 0);
            // Its span is in the entries' ids (the relay's clock), not the stream's: its sequence
            // follows the user's last output instead of moving the user's sequences to that clock.
            case RETENTION_GAP -> publishAlerts(id, List.of(analysis.retentionGap(window.from(), window.to())), out, 0, 0);
            case STALL -> {
                double silent = spec.window().stallTimeout().toMillis() / 1000.0;
                publishAlerts(id, analysis.streamStalled(user, window.to(), silent), out, window.to(), 90);
            }
        }
        state.update(user);
        lastSequence.update(sequence);
    }

    private void analyze(String id, SampleWindow window, UserState user, Collector<Publication> out) {
        double end = window.to();
        WindowAnalysis.Result result = analysis.analyze(window.samples(), window.partial(), user);
        if (result == null) {
            unpredictable.inc();
            return;
        }
        if (spec.outputs().features()) {
            out.collect(publication(id, ChannelKind.FEATURES, codec.encode(result.features()), end, 0));
            featuresOut.inc();
        }
        if (result.prediction() != null) {
            out.collect(publication(id, ChannelKind.PREDICTIONS, codec.encode(result.prediction()), end, 0));
            predictions.inc();
            long latency = Math.round(System.currentTimeMillis() - result.prediction().timestamp() * 1000);
            if (latency >= 0 && latency < 3_600_000) { // an LSL clock (seconds since boot) is no wall clock
                latencyMillis.update(latency);
            }
        } else {
            unpredictable.inc();
        }
        if (result.modelError() != null) {
            modelErrors.inc();
            if (SampledLog.shouldLog(modelErrors.getCount())) {
                LOG.warn("No prediction for {} (model error #{}): {}", id, modelErrors.getCount(), result.modelError());
            }
        }
        publishAlerts(id, result.alerts(), out, end, 1);
    }

    /** Alerts in order, numbered from {@code firstOrdinal} within the window ending at {@code end}. */
    private void publishAlerts(String user, List<Alert> alerts, Collector<Publication> out, double end,
            int firstOrdinal) {
        for (int i = 0; i < alerts.size(); i++) {
            out.collect(publication(user, ChannelKind.ALERTS, codec.encode(alerts.get(i)), end, firstOrdinal + i));
            alertsOut.inc();
        }
    }

    /**
     * Each output's sequence orders it on its channel, so a replay after a restore can be
     * recognised. It follows the window's end, but never goes back: after the user's clock jumped
     * back, outputs go on beyond the last one published rather than being taken for replays.
     */
    private Publication publication(String user, ChannelKind kind, byte[] payload, double end, int ordinal) {
        long s = Math.max(Publication.sequence(end, ordinal), sequence + 1);
        sequence = s;
        return new Publication(Channel.of(user, kind).name(), payload, s);
    }

    @Override
    public void close() {
        if (analysis != null) {
            analysis.close();
        }
    }
}
