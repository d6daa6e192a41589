package io.github.eegstream.bench;

import io.github.eegstream.job.PredictionPipeline;
import io.github.eegstream.job.JobSpec;
import io.github.eegstream.job.sink.Publication;
import io.github.eegstream.job.sink.RedisPublishSink;
import io.github.eegstream.redis.RedisEndpoint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Publications per second through a sink in a real (local) Flink job: N records of a 143-byte
 * payload, the size of a per-sample message, from a sequence through the sink, timed end to end.
 */
public final class SinkBenchmark {

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
                .map(i -> new Publication("sink-bench:" + (i % 100), payload))
                .returns(TypeInformation.of(Publication.class))
                .sinkTo(sink);
        long start = System.nanoTime();
        env.execute(roundTrip ? "sink bench: round trip per record" : "sink bench: pipelined");
        return records / ((System.nanoTime() - start) / 1e9);
    }
}
