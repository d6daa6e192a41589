package io.github.eegstream.bench;

import io.github.eegstream.connector.redis.sink.Publication;
import io.github.eegstream.redis.RedisEndpoint;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * The benchmark's baseline sink: one PUBLISH and one wait for its reply per record, as Apache
 * Bahir's Redis sink works. Only for comparison with {@link io.github.eegstream.connector.redis.sink.RedisPublishSink}.
 */
public final class RoundTripPublishSink implements Sink<Publication> {

    private final RedisEndpoint endpoint;

    public RoundTripPublishSink(RedisEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public SinkWriter<Publication> createWriter(WriterInitContext context) {
        RedisClient client = endpoint.createClient();
        StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
        return new SinkWriter<>() {
            @Override
            public void write(Publication p, Context c) {
                connection.sync().publish(p.channel().getBytes(StandardCharsets.UTF_8), p.payload());
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {
                connection.close();
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        };
    }
}
