package io.github.eegstream.connector.redis.source.sharded;

import io.github.eegstream.connector.redis.RedisClientFactory;
import io.github.eegstream.connector.redis.RedisConnectorMetrics;
import io.lettuce.core.Range;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the family's channels in the registry (a sorted set of channel names scored by when each
 * last sent, which publishers refresh: sharded pub/sub has no patterns to find them by) and deals
 * each new one, as a {@link ShardedChannelSplit}, to the reader with the fewest. A channel stays
 * with its reader (sticky) until the job restarts; the reader subscribes to it at its slot's
 * master, so every channel is read exactly once and Redis sends each message once.
 *
 * <p>Balance is by count of channels, not by their rates. The registry is read every
 * {@code discoveryInterval} on the enumerator's worker thread; a channel is dealt once it has sent
 * within {@code activeWindow}, and let go (its reader unsubscribes, {@link ReleaseChannels}) once
 * it has not, so that a long-running job's subscriptions stay those of its active users.
 */
final class ShardedPubSubEnumerator implements SplitEnumerator<ShardedChannelSplit, ShardedEnumeratorState> {

    private static final Logger LOG = LoggerFactory.getLogger(ShardedPubSubEnumerator.class);

    private final SplitEnumeratorContext<ShardedChannelSplit> context;
    private final RedisClientFactory endpoint;
    private final String registryKey;
    private final String prefix;
    private final String suffix;
    private final Duration discoveryInterval;
    private final Duration activeWindow;
    private final Map<String, Integer> owners;
    /** Channels to deal (found, or given back by a failed reader). */
    private final Set<String> pending = new LinkedHashSet<>();
    private RedisClusterClient client;
    private StatefulRedisClusterConnection<String, String> connection;
    private volatile int channelsSeen;
    private long lastTrimMillis;
    /** The most channels read from the registry per round. */
    static final int MAX_CHANNELS = 100_000;
    /** The longest channel name taken from the registry (as the pattern source's limit). */
    static final int MAX_CHANNEL_CHARS = 256;
    private long lastErrorLogNanos;

    ShardedPubSubEnumerator(SplitEnumeratorContext<ShardedChannelSplit> context, RedisClientFactory endpoint, String registryKey,
            String prefix, String suffix, Duration discoveryInterval, Duration activeWindow, ShardedEnumeratorState state) {
        this.context = context;
        this.endpoint = endpoint;
        this.registryKey = registryKey;
        this.prefix = prefix;
        this.suffix = suffix;
        this.discoveryInterval = discoveryInterval;
        this.activeWindow = activeWindow;
        this.owners = new HashMap<>(state.owners());
        int readers = context.currentParallelism();
        // Channels of readers that no longer exist (a restore at a lower parallelism) are dealt again.
        owners.entrySet().removeIf(e -> {
            if (e.getValue() >= readers) {
                pending.add(e.getKey());
                return true;
            }
            return false;
        });
        context.metricGroup().gauge(RedisConnectorMetrics.CHANNELS_SEEN, () -> channelsSeen);
    }

    @Override
    public void start() {
        long period = Math.max(50, discoveryInterval.toMillis());
        context.callAsync(this::discover, this::deal, 0, period);
    }

    /** On the worker thread: the family's channels in the registry that sent recently. */
    private List<String> discover() {
        if (connection == null) {
            client = endpoint.createClusterClient(null);
            try {
                connection = client.connect();
            } catch (RuntimeException e) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
                client = null;
                throw e;
            }
        }
        double since = System.currentTimeMillis() - activeWindow.toMillis();
        List<String> found = new ArrayList<>();
        long now = System.currentTimeMillis();
        // Relays write the registry: a score from the future is not "active", a name longer than a
        // channel may be is not one, and at most MAX_CHANNELS are read.
        for (String member : connection.sync().zrangebyscore(registryKey, Range.create(since, (double) (now + activeWindow.toMillis())),
                io.lettuce.core.Limit.create(0, MAX_CHANNELS))) {
            if (member.length() > prefix.length() + suffix.length() && member.length() <= MAX_CHANNEL_CHARS
                    && member.startsWith(prefix) && member.endsWith(suffix)
                    && member.chars().noneMatch(c -> c <= ' ' || c == 0x7f)) {
                found.add(member);
            }
        }
        if (now - lastTrimMillis > 60_000) {
            // Members of senders gone for a day: nobody needs them.
            lastTrimMillis = now;
            connection.sync().zremrangebyscore(registryKey, Range.create(Double.NEGATIVE_INFINITY, (double) (now - 86_400_000L)));
        }
        return found;
    }

    /** On the coordinator thread: new channels go to the readers with the fewest. */
    private void deal(List<String> found, Throwable error) {
        if (error != null) {
            if (System.nanoTime() - lastErrorLogNanos > 10_000_000_000L) {
                lastErrorLogNanos = System.nanoTime();
                LOG.warn("Could not read the registry {} at {}: {}", registryKey, endpoint.redacted(), error.toString());
            }
        } else {
            Set<String> active = new java.util.HashSet<>(found);
            for (String channel : found) {
                if (!owners.containsKey(channel)) {
                    pending.add(channel);
                }
            }
            pending.retainAll(active);
            releaseInactive(active);
            channelsSeen = owners.size() + pending.size();
        }
        assignPending();
    }

    /** Channels no longer in the active part of the registry are let go by their readers. */
    private void releaseInactive(Set<String> active) {
        Set<Integer> registered = context.registeredReaders().keySet();
        Map<Integer, List<String>> release = new HashMap<>();
        for (var it = owners.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!active.contains(e.getKey()) && registered.contains(e.getValue())) {
                release.computeIfAbsent(e.getValue(), r -> new ArrayList<>()).add(e.getKey());
                it.remove();
            }
        }
        release.forEach((reader, channels) -> {
            context.sendEventToSourceReader(reader, new ReleaseChannels(channels));
            LOG.info("Reader {} lets go of {} channel(s) silent for {} s, e.g. {}", reader, channels.size(),
                    activeWindow.toSeconds(), channels.get(0));
        });
    }

    private void assignPending() {
        Set<Integer> registered = context.registeredReaders().keySet();
        // Until every reader has registered (start, failover) new channels wait, so that the first
        // reader to register does not take them all.
        if (pending.isEmpty() || registered.size() < context.currentParallelism()) {
            return;
        }
        Map<Integer, Integer> load = new HashMap<>();
        for (int r : registered) {
            load.put(r, 0);
        }
        owners.values().forEach(r -> load.computeIfPresent(r, (k, n) -> n + 1));
        Map<Integer, List<ShardedChannelSplit>> assignment = new HashMap<>();
        for (var it = pending.iterator(); it.hasNext(); ) {
            String channel = it.next();
            int reader = load.entrySet().stream()
                    .min(Map.Entry.<Integer, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                    .orElseThrow().getKey();
            load.merge(reader, 1, Integer::sum);
            owners.put(channel, reader);
            assignment.computeIfAbsent(reader, r -> new ArrayList<>()).add(new ShardedChannelSplit(channel));
            it.remove();
        }
        assignment.forEach((reader, splits) -> {
            context.assignSplits(new org.apache.flink.api.connector.source.SplitsAssignment<>(Map.of(reader, splits)));
            LOG.info("Reader {} now also reads {} channel(s), e.g. {}", reader, splits.size(), splits.get(0).channel());
        });
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {}

    @Override
    public void addSplitsBack(List<ShardedChannelSplit> splits, int subtaskId) {
        // Nothing to do: the owners stay as they are, and the reader, once it registers again, is
        // dealt all of its channels (addReader).
    }

    @Override
    public void addReader(int subtaskId) {
        // The enumerator is the one record of who reads what (readers checkpoint nothing): a reader
        // that registers, first or again after a failover or restore, gets its channels now.
        List<ShardedChannelSplit> mine = new ArrayList<>();
        owners.forEach((channel, owner) -> {
            if (owner == subtaskId) {
                mine.add(new ShardedChannelSplit(channel));
            }
        });
        if (!mine.isEmpty()) {
            context.assignSplits(new org.apache.flink.api.connector.source.SplitsAssignment<>(Map.of(subtaskId, mine)));
        }
        assignPending();
    }

    @Override
    public ShardedEnumeratorState snapshotState(long checkpointId) {
        return new ShardedEnumeratorState(owners);
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close();
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }
}
