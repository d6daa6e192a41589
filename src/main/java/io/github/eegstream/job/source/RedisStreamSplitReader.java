package io.github.eegstream.job.source;

import io.github.eegstream.redis.RedisEndpoint;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads its streams with XREAD on the fetcher thread, blocking at most {@link #BLOCK} so that new
 * splits and shutdown are seen promptly. While Redis is unreachable it retries (and counts the
 * failures) rather than failing the job: the positions it holds make the retry exact.
 */
final class RedisStreamSplitReader implements SplitReader<StreamEntry, RedisStreamSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamSplitReader.class);
    private static final Duration BLOCK = Duration.ofMillis(100);
    private static final byte[] FIELD = io.github.eegstream.wire.Channel.STREAM_FIELD.getBytes(StandardCharsets.UTF_8);

    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final int count;
    private final Counter readErrors;
    /** Stream key to the id of the last entry fetched (ahead of what is emitted and checkpointed). */
    private final Map<String, String> positions = new LinkedHashMap<>();

    RedisStreamSplitReader(RedisEndpoint endpoint, String clientName, int count, Counter readErrors) {
        this.client = endpoint.createClient(clientName);
        this.connection = client.connect(ByteArrayCodec.INSTANCE);
        this.count = count;
        this.readErrors = readErrors;
    }

    @Override
    public RecordsWithSplitIds<StreamEntry> fetch() {
        RecordsBySplits.Builder<StreamEntry> records = new RecordsBySplits.Builder<>();
        if (positions.isEmpty()) {
            sleep(BLOCK);
            return records.build();
        }
        @SuppressWarnings("unchecked")
        XReadArgs.StreamOffset<byte[]>[] offsets = positions.entrySet().stream()
                .map(e -> XReadArgs.StreamOffset.from(e.getKey().getBytes(StandardCharsets.UTF_8), e.getValue()))
                .toArray(XReadArgs.StreamOffset[]::new);
        List<StreamMessage<byte[], byte[]>> messages;
        try {
            messages = connection.sync().xread(XReadArgs.Builder.block(BLOCK).count(count), offsets);
        } catch (RedisException e) {
            readErrors.inc();
            if (readErrors.getCount() <= 10 || readErrors.getCount() % 100 == 0) {
                LOG.warn("Could not read streams (failure #{}); retrying: {}", readErrors.getCount(), e.toString());
            }
            sleep(Duration.ofMillis(500));
            return records.build();
        }
        for (StreamMessage<byte[], byte[]> m : messages) {
            String key = new String(m.getStream(), StandardCharsets.UTF_8);
            positions.put(key, m.getId());
            records.add(key, new StreamEntry(key, m.getId(), payloadOf(m.getBody())));
        }
        return records.build();
    }

    /** The entry's {@code data} field; an entry without one yields an empty payload, which is rejected. */
    private static byte[] payloadOf(Map<byte[], byte[]> body) {
        for (Map.Entry<byte[], byte[]> field : body.entrySet()) {
            if (Arrays.equals(field.getKey(), FIELD)) {
                return field.getValue();
            }
        }
        return new byte[0];
    }

    @Override
    public void handleSplitsChanges(SplitsChange<RedisStreamSplit> change) {
        if (change instanceof SplitsAddition<RedisStreamSplit> addition) {
            for (RedisStreamSplit split : addition.splits()) {
                positions.put(split.key(), split.lastId());
            }
        }
    }

    @Override
    public void wakeUp() {
        // fetch() blocks for at most BLOCK
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
