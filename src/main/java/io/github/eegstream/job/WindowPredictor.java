package io.github.eegstream.job;

import io.github.eegstream.dsp.Band;
import io.github.eegstream.dsp.FeatureExtractor;
import io.github.eegstream.dsp.WindowFeatures;
import io.github.eegstream.job.sink.Publication;
import io.github.eegstream.model.PredictionModel;
import io.github.eegstream.model.PredictionModels;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Prediction;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.util.Collector;

/** Features and model for each window, published as a prediction on {@code user:{id}:predictions}. */
public final class WindowPredictor extends RichFlatMapFunction<SampleWindow, Publication> {

    private final JobSpec spec;
    private transient FeatureExtractor extractor;
    private transient PredictionModel model;
    private transient WireCodec codec;
    private transient Counter predictions;
    private transient Counter unpredictable;
    private transient Histogram latencyMillis;

    public WindowPredictor(JobSpec spec) {
        this.spec = spec;
        PredictionModels.create(spec.model().name()); // an unknown model fails the job at submission
    }

    @Override
    public void open(OpenContext context) {
        List<Band> bands = new ArrayList<>();
        spec.features().bands().forEach((name, edges) -> bands.add(new Band(name, edges.get(0), edges.get(1))));
        Length segment = spec.features().welchSegment();
        extractor = new FeatureExtractor(
                bands,
                segment.unit() == Length.Unit.SECONDS ? segment.amount() : 0,
                segment.unit() == Length.Unit.SAMPLES ? segment.sampleCount() : 0,
                spec.features().welchOverlap());
        model = PredictionModels.create(spec.model().name());
        codec = new WireCodec();
        var metrics = getRuntimeContext().getMetricGroup();
        predictions = metrics.counter("predictions");
        unpredictable = metrics.counter("unpredictableWindows");
        latencyMillis = metrics.histogram("windowLatencyMs", new DescriptiveStatisticsHistogram(10_000));
    }

    @Override
    public void flatMap(SampleWindow window, Collector<Publication> out) {
        RawSamples s = window.samples();
        double rate = sampleRate(s);
        if (!(rate > 0) || s.sampleCount() < 2) {
            unpredictable.inc();
            return;
        }
        WindowFeatures features = extractor.extract(s.channels(), s.values(), s.sampleCount(), rate);
        Map<String, Object> data = model.predict(features);
        if (data.isEmpty()) {
            unpredictable.inc();
            return;
        }
        double first = s.timestamps()[0];
        double last = s.timestamps()[s.sampleCount() - 1];
        Prediction prediction = new Prediction(
                spec.model().predictionType(),
                data,
                features.usableFraction(),
                spec.predictionSource(),
                last,
                first,
                last,
                s.sampleCount(),
                model.name(),
                model.version(),
                window.partial() ? Boolean.TRUE : null);
        out.collect(new Publication(Channel.of(window.userId(), ChannelKind.PREDICTIONS).name(), codec.encode(prediction)));
        predictions.inc();
        latencyMillis.update(Math.round(System.currentTimeMillis() - last * 1000));
    }

    /** The spec's rate, else the stream's nominal rate, else the rate the timestamps show. */
    private double sampleRate(RawSamples s) {
        if (spec.features().sampleRate() > 0) {
            return spec.features().sampleRate();
        }
        if (s.rate() > 0) {
            return s.rate();
        }
        int n = s.sampleCount();
        double span = s.timestamps()[n - 1] - s.timestamps()[0];
        return span > 0 ? (n - 1) / span : 0;
    }
}
