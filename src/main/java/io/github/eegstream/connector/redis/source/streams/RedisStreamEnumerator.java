package io.github.eegstream.connector.redis.source.streams;

import io.github.eegstream.connector.redis.RedisClientFactory;
import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovers streams whose keys match the pattern (SCAN, every discovery interval, off the
 * coordinator thread) and gives each new one to a reader, by a hash of its key, from its oldest
 * retained entry: a new user's first samples are read, however late the stream is found.
 */
public final class RedisStreamEnumerator implements SplitEnumerator<RedisStreamSplit, RedisStreamEnumeratorState> {

    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamEnumerator.class);

    private final SplitEnumeratorContext<RedisStreamSplit> context;
    private final RedisClientFactory endpoint;
    private final String keyPattern;
    private final Duration discoveryInterval;
    private final Set<String> assigned;
    private final Map<String, RedisStreamSplit> pending = new LinkedHashMap<>();
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;

    RedisStreamEnumerator(SplitEnumeratorContext<RedisStreamSplit> context, RedisClientFactory endpoint, String keyPattern,
            Duration discoveryInterval, RedisStreamEnumeratorState state) {
        this.context = context;
        this.endpoint = endpoint;
        this.keyPattern = keyPattern;
        this.discoveryInterval = discoveryInterval;
        this.assigned = new HashSet<>(state.assigned());
        state.pending().forEach(s -> pending.put(s.key(), s));
    }

    @Override
    public void start() {
        client = endpoint.createClient("eegstream-stream-discovery");
        context.callAsync(this::discover, this::onDiscovered, 0, discoveryInterval.toMillis());
    }

    /** On a worker thread: every stream key matching the pattern. */
    private List<String> discover() {
        if (connection == null) {
            connection = client.connect();
        }
        List<String> keys = new ArrayList<>();
        KeyScanArgs args = KeyScanArgs.Builder.type("stream").match(keyPattern).limit(1000);
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = connection.sync().scan(cursor, args);
            keys.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        return keys;
    }

    /** On the coordinator thread. */
    private void onDiscovered(List<String> keys, Throwable error) {
        if (error != null) {
            LOG.warn("Could not look for streams matching {} at {}: {}", keyPattern, endpoint.redacted(), error.toString());
            return;
        }
        for (String key : keys) {
            if (!assigned.contains(key) && !pending.containsKey(key)) {
                pending.put(key, new RedisStreamSplit(key, RedisStreamSplit.BEGINNING));
            }
        }
        assignPending();
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        // Splits are pushed as streams are found; readers never ask.
    }

    @Override
    public void addSplitsBack(List<RedisStreamSplit> splits, int subtaskId) {
        for (RedisStreamSplit split : splits) {
            assigned.remove(split.key());
            pending.put(split.key(), split);
        }
        assignPending();
    }

    @Override
    public void addReader(int subtaskId) {
        assignPending();
    }

    private void assignPending() {
        var registered = context.registeredReaders();
        for (var it = pending.values().iterator(); it.hasNext(); ) {
            RedisStreamSplit split = it.next();
            int owner = Math.floorMod(split.key().hashCode(), context.currentParallelism());
            if (registered.containsKey(owner)) {
                context.assignSplit(split, owner);
                assigned.add(split.key());
                it.remove();
                LOG.info("Reading stream {} from {} on reader {}", split.key(), split.lastId(), owner);
            }
        }
    }

    @Override
    public RedisStreamEnumeratorState snapshotState(long checkpointId) {
        return new RedisStreamEnumeratorState(assigned, new ArrayList<>(pending.values()));
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
