package io.github.eegstream.job.source;

import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.wire.WireCodec;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a reader does with a message it cannot use: counts it (in total and by reason), logs the
 * first ones and then one in a thousand, and publishes a sample of them with the reason to the
 * dead-letter channel. Never throws and never waits: a reject must not stop the stream.
 */
final class Rejects implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Rejects.class);
    private static final WireCodec CODEC = new WireCodec();

    private final RedisEndpoint endpoint;
    private final String clientName;
    private final byte[] deadLetterChannel;
    private final Counter rejected;
    private final MetricGroup byReasonGroup;
    private final Map<String, Counter> byReason = new HashMap<>();
    private RedisClient client;
    private StatefulRedisConnection<byte[], byte[]> connection;

    /** @param deadLetterChannel where samples of rejects go; null or blank for nowhere */
    Rejects(SourceReaderMetricGroup metrics, RedisEndpoint endpoint, String clientName, String deadLetterChannel) {
        this.endpoint = endpoint;
        this.clientName = clientName;
        this.deadLetterChannel = deadLetterChannel == null || deadLetterChannel.isBlank()
                ? null : deadLetterChannel.getBytes(StandardCharsets.UTF_8);
        this.rejected = metrics.getNumRecordsInErrorsCounter();
        this.byReasonGroup = metrics.addGroup("rejected");
    }

    void reject(String channel, byte[] payload, String reason, Exception e) {
        rejected.inc();
        Counter counter = byReason.computeIfAbsent(reason, byReasonGroup::counter);
        counter.inc();
        long count = rejected.getCount();
        if (count <= 10 || count % 1000 == 0) {
            LOG.warn("Rejected message #{} on {} ({}): {}", count, channel, reason, e.getMessage());
        }
        if (deadLetterChannel != null && (counter.getCount() <= 10 || counter.getCount() % 1000 == 0)) {
            deadLetter(channel, reason, e.getMessage(), payload);
        }
    }

    private void deadLetter(String channel, String reason, String message, byte[] payload) {
        try {
            if (connection == null) {
                client = endpoint.createClient(clientName == null ? null : clientName + "-dead-letters");
                connection = client.connect(ByteArrayCodec.INSTANCE);
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", "rejected");
            entry.put("channel", channel);
            entry.put("reason", reason);
            entry.put("message", message == null ? "" : message);
            entry.put("payload", Arrays.copyOf(payload, Math.min(payload.length, 1024)));
            entry.put("payload_bytes", payload.length);
            entry.put("timestamp", System.currentTimeMillis() / 1000.0);
            connection.async().publish(deadLetterChannel, CODEC.encodeMap(entry));
        } catch (RuntimeException e) {
            LOG.debug("Could not publish a dead letter", e); // the reject is counted either way
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close();
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
