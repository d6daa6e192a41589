package io.github.eegstream.connector.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.annotation.Internal;
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
@Internal
public final class Rejects implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Rejects.class);

    private final RedisClientFactory endpoint;
    private final DeadLetterSerializer deadLetters;
    private final String clientName;
    private final byte[] deadLetterChannel;
    private final Counter rejected;
    private final MetricGroup byReasonGroup;
    private final Map<String, Counter> byReason = new HashMap<>();
    private static final long RETRY_NANOS = 10_000_000_000L;
    private volatile RedisClient client;
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private CompletableFuture<Void> connecting;
    private long connectStartedNanos;

    /**
     * @param deadLetterChannel where samples of rejects go; null or blank for nowhere
     * @param deadLetters how they are encoded there
     */
    public Rejects(SourceReaderMetricGroup metrics, RedisClientFactory endpoint, String clientName, String deadLetterChannel,
            DeadLetterSerializer deadLetters) {
        this.endpoint = endpoint;
        this.deadLetters = deadLetters;
        this.clientName = clientName;
        this.deadLetterChannel = deadLetterChannel == null || deadLetterChannel.isBlank()
                ? null : deadLetterChannel.getBytes(StandardCharsets.UTF_8);
        this.rejected = metrics.getNumRecordsInErrorsCounter();
        this.byReasonGroup = metrics.addGroup(RedisConnectorMetrics.REJECTED_GROUP);
        if (this.deadLetterChannel != null) {
            connectInBackground(); // ready before the first reject, which then costs no connect
        }
    }

    public void reject(String channel, byte[] payload, String reason, Exception e) {
        rejected.inc();
        Counter counter = byReason.computeIfAbsent(reason, byReasonGroup::counter);
        counter.inc();
        long count = rejected.getCount();
        if (SampledLog.shouldLog(count)) {
            LOG.warn("Rejected message #{} on {} ({}): {}", count, channel, reason, e.getMessage());
        }
        if (deadLetterChannel != null && SampledLog.shouldLog(counter.getCount())) {
            deadLetter(channel, reason, e.getMessage(), payload);
        }
    }

    /**
     * Connects in the background, once at a time: the task thread never waits for Redis (a connect
     * takes a while, and up to its timeout while Redis is away). Until connected, dead letters are
     * skipped; the rejects are counted either way.
     */
    private void connectInBackground() {
        long now = System.nanoTime();
        if (connecting != null && (!connecting.isDone() || now - connectStartedNanos < RETRY_NANOS)) {
            return;
        }
        connectStartedNanos = now;
        connecting = CompletableFuture.runAsync(() -> {
            RedisClient c = endpoint.createClient(clientName == null ? null : clientName + "-dead-letters");
            try {
                connection = c.connect(ByteArrayCodec.INSTANCE);
                client = c;
            } catch (RuntimeException e) {
                c.shutdown(Duration.ZERO, Duration.ofSeconds(1));
                LOG.debug("Could not connect for dead letters", e);
            }
        });
    }

    private void deadLetter(String channel, String reason, String message, byte[] payload) {
        try {
            StatefulRedisConnection<byte[], byte[]> connection = this.connection;
            if (connection == null) {
                connectInBackground();
                return;
            }
            DeadLetterSerializer.DeadLetter letter = new DeadLetterSerializer.DeadLetter(channel, reason,
                    message == null ? "" : message,
                    Arrays.copyOf(payload, Math.min(payload.length, DeadLetterSerializer.PAYLOAD_PREFIX_BYTES)),
                    payload.length, System.currentTimeMillis() / 1000.0);
            connection.async().publish(deadLetterChannel, deadLetters.serialize(letter));
        } catch (RuntimeException e) {
            LOG.debug("Could not publish a dead letter", e); // the reject is counted either way
        }
    }

    @Override
    public void close() {
        if (connecting != null) {
            try {
                connecting.get(5, java.util.concurrent.TimeUnit.SECONDS); // a connect under way ends first
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        if (connection != null) {
            connection.close();
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
