package io.github.eegstream.job;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.connector.redis.RedisClientFactory;
import io.github.eegstream.connector.redis.sink.RedisPublishSink;
import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.spec.JobSpecs;
import java.time.Duration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** Durable mode is not supported on a Redis Cluster yet: refused clearly when the job is built, before anything runs. */
class ClusterDurableRefusedTest {

    @Test
    void theDurableJobOnAClusterIsRefusedWhenItIsBuilt() {
        JobSpec spec = JobSpecs.load("durable").withRedisUrl("redis-cluster://127.0.0.1:1,127.0.0.1:2");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PredictionPipeline.build(StreamExecutionEnvironment.getExecutionEnvironment(), spec));
        assertTrue(e.getMessage().contains("not supported on a Redis Cluster yet"), e.getMessage());
    }

    @Test
    void theDeduplicatingSinkOnAClusterIsRefusedWhenItIsBuilt() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RedisPublishSink.builder()
                .setEndpoint(RedisClientFactory.fromUrl("redis-cluster://127.0.0.1:1"))
                .setDeduplicate(Duration.ofMinutes(1))
                .setPublishOnceFunction(io.github.eegstream.redis.RedisFunctions.publishOnce())
                .build());
        assertTrue(e.getMessage().contains("not supported on a Redis Cluster yet"), e.getMessage());
    }
}
