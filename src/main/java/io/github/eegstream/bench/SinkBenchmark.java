package io.github.eegstream.bench;

import io.github.eegstream.job.PredictionPipeline;
import io.github.eegstream.connector.redis.sink.Publication;
import io.github.eegstream.connector.redis.sink.RedisPublishSink;
import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.redis.RedisEndpoint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Publications per second through a sink in a real (local) Flink job: N records of a 143-byte
 * payload, the size of a per-sample message, from a sequence through the sink, timed from the
 * first record to the end of the job (the job's start-up, the same for both sinks, left out).
 */
public final class SinkBenchmark {

    /** When the first record passed, in this JVM (a local job runs here). */
    private static final java.util.concurrent.atomic.AtomicLong FIRST_RECORD_NANOS = new java.util.concurrent.atomic.AtomicLong();

    private SinkBenchmark() {}

    /** Records per second of the pipelined sink (or, with {@code roundTrip}, the one-reply-per-record one). */
    public static double run(RedisEndpoint endpoint, JobSpec spec, long records, boolean roundTrip) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1,
                PredictionPipeline.configuration(spec));
        Sink<Publication> sink = roundTrip ? new RoundTripPublishSink(endpoint)
                : RedisPublishSink.builder().setEndpoint(endpoint).setBatchSize(spec.sink().batchSize())
                        .setFlushInterval(spec.sink().flushInterval()).build();
        byte[] payload = new byte[143];
        env.fromSequence(1, records)
                .map(i -> {
                    if (i == 1) {
                        FIRST_RECORD_NANOS.set(System.nanoTime());
                    }
                    return new Publication("sink-bench:" + (i % 100), payload);
                })
                .returns(TypeInformation.of(Publication.class))
                .sinkTo(sink);
        FIRST_RECORD_NANOS.set(0);
        env.execute(roundTrip ? "sink bench: round trip per record" : "sink bench: pipelined");
        return records / ((System.nanoTime() - FIRST_RECORD_NANOS.get()) / 1e9);
    }
}
