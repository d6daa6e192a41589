package io.github.eegstream.job;

import io.github.eegstream.connector.redis.sink.Publication;
import io.github.eegstream.connector.redis.sink.RedisPublishSink;
import io.github.eegstream.connector.redis.source.pubsub.RedisPubSubSource;
import io.github.eegstream.connector.redis.source.sharded.ShardedPubSubSource;
import io.github.eegstream.connector.redis.source.streams.RedisStreamSource;
import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.redis.RedisFunctions;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Wires the prediction job: Redis source, per-user windows, features, model and alerts, Redis sink. */
public final class PredictionPipeline {

    private PredictionPipeline() {}

    /** The Flink settings a spec implies; applied on top of {@code conf/config.yaml}. */
    public static Configuration configuration(JobSpec spec) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false); // every type has a real serializer, none falls back to Kryo
        conf.set(PipelineOptions.OBJECT_REUSE, true); // operators here never hold on to their inputs
        conf.set(ExecutionOptions.BUFFER_TIMEOUT, spec.pipeline().bufferTimeout());
        if (spec.pipeline().parallelism() > 0) {
            conf.set(CoreOptions.DEFAULT_PARALLELISM, spec.pipeline().parallelism());
        }
        if (!spec.pipeline().checkpointInterval().isZero()) {
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, spec.pipeline().checkpointInterval());
            // Kept when the job is cancelled, so it can be started again from where it stopped.
            conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                    ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        }
        // A failed job restarts by itself (from its last checkpoint, if it takes them), backing off
        // up to a minute between attempts while whatever failed (Redis, usually) comes back.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofMinutes(1));
        return conf;
    }

    /** Adds the job's operators to {@code env}. */
    public static void build(StreamExecutionEnvironment env, JobSpec spec) {
        build(env, spec, "eegstream-source");
    }

    /**
     * Adds the job's operators to {@code env}; the source's Redis connections are named
     * {@code sourceClientName}, so that whoever starts the job can see them subscribe.
     */
    public static void build(StreamExecutionEnvironment env, JobSpec spec, String sourceClientName) {
        DataStream<Publication> predictions;
        RedisEndpoint endpoint = spec.redis().endpoint();
        JobSpec.Source sourceSpec = spec.source();
        RawSamplesDeserializer deserializer = new RawSamplesDeserializer(sourceSpec.maxMessageBytes());
        DataStream<UserSamples> samples;
        int readers;
        if (sourceSpec.durable() && endpoint.isCluster()) {
            throw new IllegalArgumentException("durable mode (source.mode: streams) is not supported on a Redis Cluster yet ("
                    + endpoint + "): run it against a single Redis node, or use pub/sub mode on the cluster");
        }
        if (endpoint.isCluster()) {
            // Sharded pub/sub: users are found in the relays' registry (there are no patterns).
            ShardedPubSubSource<UserSamples> source = ShardedPubSubSource.<UserSamples>builder()
                    .setEndpoint(endpoint)
                    .setChannelFamily(ChannelKind.RAW.patternForAllUsers())
                    .setRegistryKey(Channel.REGISTRY_KEY)
                    .setDeserializer(deserializer)
                    .setQueueCapacity(sourceSpec.queueCapacity())
                    .setQueueBytes(sourceSpec.queueBytes())
                    .setMaxMessageBytes(sourceSpec.maxMessageBytes())
                    .setClientName(sourceClientName)
                    .setDeadLetterChannel(sourceSpec.deadLetterChannel())
                    .setDeadLetterSerializer(WireDeadLetters.INSTANCE)
                    .build();
            samples = env.fromSource(source, WatermarkStrategy.noWatermarks(), "raw EEG").uid("raw-sharded-source");
            readers = env.getParallelism();
        } else if (sourceSpec.durable()) {
            RedisStreamSource<UserSamples> source = RedisStreamSource.<UserSamples>builder()
                    .setEndpoint(endpoint)
                    .setKeyPattern(ChannelKind.RAW.patternForAllUsers())
                    .setRegistryKey(Channel.REGISTRY_KEY) // relays register there: no SCAN in steady state
                    .setDataField(Channel.STREAM_FIELD)
                    .setDeserializer(deserializer)
                    .setDiscoveryInterval(sourceSpec.discoveryInterval())
                    .setReadCount(sourceSpec.fetchEntries())
                    .setFetchBytes(sourceSpec.fetchBytes())
                    .setMaxMessageBytes(sourceSpec.maxMessageBytes())
                    .setClientName(sourceClientName)
                    .setDeadLetterChannel(sourceSpec.deadLetterChannel())
                    .setDeadLetterSerializer(WireDeadLetters.INSTANCE)
                    .build();
            samples = env.fromSource(source, WatermarkStrategy.noWatermarks(), "raw EEG").uid("raw-stream-source");
            readers = env.getParallelism();
        } else {
            RedisPubSubSource<UserSamples> source = RedisPubSubSource.<UserSamples>builder()
                    .setEndpoint(endpoint)
                    .setChannelFamily(ChannelKind.RAW.patternForAllUsers())
                    .setDeserializer(deserializer)
                    .setQueueCapacity(sourceSpec.queueCapacity())
                    .setQueueBytes(sourceSpec.queueBytes())
                    .setMaxMessageBytes(sourceSpec.maxMessageBytes())
                    .setClientName(sourceClientName)
                    .setDeadLetterChannel(sourceSpec.deadLetterChannel())
                    .setDeadLetterSerializer(WireDeadLetters.INSTANCE)
                    .build();
            samples = env.fromSource(source, WatermarkStrategy.noWatermarks(), "raw EEG").uid("raw-source");
            readers = env.getParallelism();
        }
        // At parallelism 1 every user belongs to the one subtask, so the source's output is already
        // keyed: the whole job then runs chained in one task, with no serialization between steps.
        boolean single = env.getParallelism() == 1 && readers == 1;
        KeyedStream<UserSamples, String> byUser = single
                ? DataStreamUtils.reinterpretAsKeyedStream(samples, UserSamples::userId)
                : samples.keyBy(UserSamples::userId);
        DataStream<SampleWindow> windows = byUser
                .transform("windows", TypeInformation.of(SampleWindow.class), new WindowerOperator(new SampleWindower(spec)))
                .uid("windows");
        // The windower keeps each user on its subtask, so the analysis is keyed without a shuffle.
        predictions = DataStreamUtils.reinterpretAsKeyedStream(windows, SampleWindow::userId)
                .process(new WindowAnalyzer(spec))
                .uid("analysis")
                .name("analysis");
        RedisPublishSink.Builder<Publication> sink = RedisPublishSink.builder()
                .setEndpoint(endpoint)
                .setBatchSize(spec.sink().batchSize())
                .setFlushInterval(spec.sink().flushInterval());
        if (sourceSpec.durable()) {
            // windows replayed after a restore are not published twice
            sink.setDeduplicate(spec.state().userTtl()).setPublishOnceFunction(RedisFunctions.publishOnce())
                    .setDeduplicationScope(spec.identity()); // each job publishes every window once
        }
        predictions
                .sinkTo(sink.build())
                .uid("redis-sink")
                .name("publish");
    }

    /** The job's name in the Flink web UI. */
    public static String jobName(JobSpec spec) {
        return "eegstream " + spec.identity();
    }
}
