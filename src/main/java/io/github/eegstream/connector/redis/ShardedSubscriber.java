package io.github.eegstream.connector.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sharded pub/sub on a Redis Cluster, following its topology: each channel is SSUBSCRIBEd on
 * the master that owns its hash slot, over one connection per master. Routing and recovery are
 * done here rather than by Lettuce's cluster pub/sub connection, whose re-subscription after a
 * reconnect sends every shard channel in one SSUBSCRIBE (refused across slots) and stays with a
 * node that is gone (lettuce issues #2940, #3213, #2356).
 *
 * <p>All routing runs on one maintenance thread of its own, every {@value #PASS_MILLIS} ms and
 * whenever something changes: a connection that is lost, or a channel whose slot the topology now
 * gives to another master, or that Redis unsubscribed by itself (slot migration), is subscribed
 * again on the slot's master as soon as the topology names one (a failed master's replica once it
 * is promoted). Each such gap is counted and told to the {@link Listener}: what was published
 * meanwhile is lost (pub/sub keeps nothing). Node connections never reconnect by themselves, so a
 * node that comes back as a replica never delivers a channel a second time.
 *
 * <p>Messages come on Lettuce's I/O threads, straight to {@link Listener#message}, which must not block.
 */
public final class ShardedSubscriber<V> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShardedSubscriber.class);
    static final long PASS_MILLIS = 200;
    /**
     * The least time between two topology reloads this asks for (when a node is lost or a slot has
     * no master); besides, the cluster client reloads it by itself ({@link #clusterOptions}).
     */
    private static final long REFRESH_MILLIS = 300;

    /** Receives the messages, and each gap. */
    public interface Listener<V> {
        /** A message on a subscribed channel, on a Lettuce I/O thread: must not block. */
        void message(byte[] channel, V message);

        /**
         * {@code channels} lost their subscription at {@code node} (the connection was lost, or the
         * slot moved) and are subscribed again, after {@code gapMillis}; on the maintenance thread.
         */
        default void resubscribed(String node, int channels, long gapMillis) {}
    }

    /** One master's connection and the channels subscribed there. */
    private final class Node {
        final String key;
        final RedisClient client;
        final StatefulRedisPubSubConnection<byte[], V> connection;
        final Set<String> channels = ConcurrentHashMap.newKeySet();

        Node(String key, RedisClient client, StatefulRedisPubSubConnection<byte[], V> connection) {
            this.key = key;
            this.client = client;
            this.connection = connection;
        }

        /** Closes the connection and then its client (in that order, and waiting: the resources may be the last). */
        void close() {
            try {
                connection.close();
            } catch (RuntimeException e) {
                LOG.debug("Closing the connection to {} failed", key, e);
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }
    }

    /** Channels lost together, and since when: subscribed again they make one gap. */
    private record Lost(String node, long sinceNanos, Set<String> channels, int count) {}

    private final RedisClientFactory factory;
    private final String clientName;
    private final RedisCodec<byte[], V> codec;
    private final Listener<V> listener;
    private final RedisClusterClient cluster;
    private final boolean ownsCluster;
    private final ScheduledExecutorService maintenance;
    /** Every channel wanted, and the node it is subscribed at ("" while it is not). */
    private final Map<String, String> wanted = new ConcurrentHashMap<>();
    private final Map<String, Node> nodes = new HashMap<>();
    private final List<Lost> lost = new ArrayList<>();
    /** Channels Redis unsubscribed by itself (their slot moved): on an I/O thread, for the maintenance thread. */
    private final ConcurrentLinkedQueue<String[]> unsubscribedByRedis = new ConcurrentLinkedQueue<>();
    private final AtomicLong gaps = new AtomicLong();
    private final AtomicLong lastGapMillis = new AtomicLong();
    private long lastRefreshNanos = System.nanoTime();
    private long refreshDelayMillis = REFRESH_MILLIS;
    private static final long MAX_REFRESH_MILLIS = 3_000;
    private boolean refreshNeeded;
    private volatile boolean closed;

    /**
     * @param cluster the cluster client whose topology routes the channels, or null for one of its own
     * @param clientName the node connections' name in CLIENT LIST (or null)
     */
    public ShardedSubscriber(RedisClientFactory factory, RedisClusterClient cluster, String clientName,
            RedisCodec<byte[], V> codec, Listener<V> listener) {
        this.factory = factory;
        this.clientName = clientName;
        this.codec = codec;
        this.listener = listener;
        this.ownsCluster = cluster == null;
        this.cluster = cluster != null ? cluster : factory.createClusterClient(clientName == null ? null : clientName + "-topology");
        try {
            this.cluster.getPartitions(); // loads the topology now: a wrong address fails here
        } catch (RuntimeException e) {
            if (ownsCluster) {
                this.cluster.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
            throw e;
        }
        this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sharded-subscriber" + (clientName == null ? "" : "-" + clientName));
            t.setDaemon(true);
            return t;
        });
        maintenance.scheduleWithFixedDelay(this::pass, PASS_MILLIS, PASS_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * The Lettuce options a cluster client of the connector uses: the topology asked for every 30 s
     * (each time a new connection to every node: with thousands of relays, more often would load
     * every node) and whenever a command is redirected or a node cannot be reached, at most once a
     * second.
     */
    public static ClusterClientOptions clusterOptions(ClientOptions.Builder base) {
        return ClusterClientOptions.builder(base.build())
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(Duration.ofSeconds(30))
                        .enableAllAdaptiveRefreshTriggers()
                        .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                        .refreshTriggersReconnectAttempts(1)
                        .build())
                .build();
    }

    /** The hash slot of a channel (as of a key): where Redis Cluster routes its SPUBLISHes. */
    public static int slot(String channel) {
        return SlotHash.getSlot(channel.getBytes(StandardCharsets.UTF_8));
    }

    /** Subscribes to these channels (each on its slot's master), now or as soon as it can. */
    public void subscribe(Collection<String> channels) {
        boolean added = false;
        for (String c : channels) {
            added |= wanted.putIfAbsent(c, "") == null;
        }
        if (added) {
            soon();
        }
    }

    /**
     * Subscribes and waits until every channel is subscribed at its master, or the timeout passes.
     *
     * @return true if all are subscribed
     */
    public boolean subscribeAndWait(Collection<String> channels, Duration timeout) throws InterruptedException {
        subscribe(channels);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (channels.stream().allMatch(c -> !wanted.getOrDefault(c, "").isEmpty())) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Stops listening to these channels. */
    public void unsubscribe(Collection<String> channels) {
        List<String> copy = List.copyOf(channels);
        for (String c : copy) {
            wanted.remove(c);
        }
        maintenance.execute(() -> {
            for (String c : copy) {
                for (Node n : nodes.values()) {
                    if (n.channels.remove(c) && n.connection.isOpen()) {
                        n.connection.async().sunsubscribe(bytes(c));
                    }
                }
            }
        });
    }

    /** The channels subscribed now (each at the master that owns it). */
    public Set<String> subscribed() {
        Set<String> out = new HashSet<>();
        wanted.forEach((c, node) -> {
            if (!node.isEmpty()) {
                out.add(c);
            }
        });
        return out;
    }

    /** Channels wanted (subscribed or not yet). */
    public int wantedCount() {
        return wanted.size();
    }

    /** How many times channels lost their subscription and were subscribed again. */
    public long gaps() {
        return gaps.get();
    }

    /** How long the last gap was, in ms. */
    public long lastGapMillis() {
        return lastGapMillis.get();
    }

    /** The cluster client whose topology this follows. */
    public RedisClusterClient cluster() {
        return cluster;
    }

    private void soon() {
        if (!closed) {
            try {
                maintenance.execute(this::pass);
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // closing
            }
        }
    }

    /** One routing pass, on the maintenance thread. */
    private void pass() {
        if (closed) {
            return;
        }
        try {
            route();
        } catch (RuntimeException e) {
            refreshNeeded = true;
            LOG.debug("Routing sharded subscriptions failed; trying again", e);
        }
    }

    private void route() {
        // Connections lost: their channels wait for the slot's (new) master.
        for (var it = nodes.values().iterator(); it.hasNext(); ) {
            Node n = it.next();
            if (!n.connection.isOpen()) {
                it.remove();
                Set<String> channels = new HashSet<>(n.channels);
                channels.forEach(c -> wanted.replace(c, n.key, ""));
                lost.add(new Lost(n.key, System.nanoTime(), channels, channels.size()));
                refreshNeeded = true;
                LOG.warn("Lost the connection to Redis node {} with {} sharded subscriptions; subscribing them again"
                        + " where the cluster's topology says (messages published meanwhile are lost)", n.key, channels.size());
                n.close();
            }
        }
        for (String[] u; (u = unsubscribedByRedis.poll()) != null; ) {
            Node n = nodes.get(u[0]);
            if (n != null && n.channels.remove(u[1])) {
                wanted.replace(u[1], n.key, "");
                lost.add(new Lost(n.key, System.nanoTime(), new HashSet<>(Set.of(u[1])), 1));
                refreshNeeded = true;
            }
        }
        long now = System.nanoTime();
        if (!refreshNeeded && lost.isEmpty()) {
            refreshDelayMillis = REFRESH_MILLIS;
        }
        if (refreshNeeded && now - lastRefreshNanos > refreshDelayMillis * 1_000_000) {
            lastRefreshNanos = now;
            refreshNeeded = false;
            cluster.refreshPartitions();
            // Backing off while it stays unresolved (a failover takes seconds), with jitter, so that
            // many clients do not ask every node at once.
            refreshDelayMillis = Math.min(MAX_REFRESH_MILLIS, (long) (refreshDelayMillis * (1.6 + 0.4
                    * java.util.concurrent.ThreadLocalRandom.current().nextDouble())));
        }
        Partitions partitions = cluster.getPartitions();
        Map<String, List<String>> toSubscribe = new HashMap<>();
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            String channel = e.getKey();
            RedisClusterNode master = partitions.getMasterBySlot(slot(channel));
            if (master == null || master.getUri() == null) {
                refreshNeeded = true; // no master for the slot yet (a failover in progress)
                continue;
            }
            String key = master.getUri().getHost() + ":" + master.getUri().getPort();
            if (e.getValue().equals(key)) {
                continue;
            }
            if (!e.getValue().isEmpty()) {
                // The slot has moved (migration, or a failover the old connection has not noticed).
                Node old = nodes.get(e.getValue());
                if (old != null && old.channels.remove(channel) && old.connection.isOpen()) {
                    old.connection.async().sunsubscribe(bytes(channel));
                }
                wanted.replace(channel, e.getValue(), "");
                lost.add(new Lost(e.getValue(), System.nanoTime(), new HashSet<>(Set.of(channel)), 1));
            }
            toSubscribe.computeIfAbsent(key, k -> new ArrayList<>()).add(channel);
        }
        for (Map.Entry<String, List<String>> e : toSubscribe.entrySet()) {
            Node node = node(e.getKey());
            if (node == null) {
                refreshNeeded = true;
                continue;
            }
            List<io.lettuce.core.RedisFuture<Void>> futures = new ArrayList<>();
            for (String channel : e.getValue()) {
                futures.add(node.connection.async().ssubscribe(bytes(channel))); // one slot per command
            }
            for (int i = 0; i < futures.size(); i++) {
                String channel = e.getValue().get(i);
                try {
                    futures.get(i).get(5, TimeUnit.SECONDS);
                    if (wanted.replace(channel, "", node.key)) {
                        node.channels.add(channel);
                    } else if (!wanted.containsKey(channel)) {
                        node.connection.async().sunsubscribe(bytes(channel)); // unsubscribed meanwhile
                    }
                } catch (Exception failure) {
                    refreshNeeded = true; // MOVED (a stale topology), or the node went away
                    LOG.debug("SSUBSCRIBE {} at {} failed: {}", channel, node.key, failure.toString());
                }
            }
        }
        settleGaps();
    }

    /** Gaps whose channels are all subscribed again (or no longer wanted) are counted and told. */
    private void settleGaps() {
        for (var it = lost.iterator(); it.hasNext(); ) {
            Lost l = it.next();
            l.channels().removeIf(c -> !wanted.containsKey(c) || !wanted.get(c).isEmpty());
            if (l.channels().isEmpty()) {
                it.remove();
                long millis = (System.nanoTime() - l.sinceNanos()) / 1_000_000;
                gaps.incrementAndGet();
                lastGapMillis.set(millis);
                LOG.warn("{} sharded subscriptions of Redis node {} restored after {} ms", l.count(), l.node(), millis);
                try {
                    listener.resubscribed(l.node(), l.count(), millis);
                } catch (RuntimeException e) {
                    LOG.warn("A listener failed on a gap", e);
                }
            }
        }
    }

    /** The connection to a master, made if need be; null if it cannot be reached now. */
    private Node node(String key) {
        Node n = nodes.get(key);
        if (n != null) {
            return n;
        }
        int colon = key.lastIndexOf(':');
        RedisClient client = factory.createNodeClient(key.substring(0, colon), Integer.parseInt(key.substring(colon + 1)), clientName);
        try {
            StatefulRedisPubSubConnection<byte[], V> connection = client.connectPubSub(codec);
            connection.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void smessage(byte[] channel, V message) {
                    listener.message(channel, message);
                }

                @Override
                public void sunsubscribed(byte[] channel, long count) {
                    // Ours are removed from the node's set first: one still there was Redis's own.
                    unsubscribedByRedis.add(new String[] {key, new String(channel, StandardCharsets.UTF_8)});
                }
            });
            n = new Node(key, client, connection);
            nodes.put(key, n);
            return n;
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            LOG.debug("Cannot connect to Redis node {} now: {}", key, e.toString());
            return null;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        closed = true;
        CountDownLatch done = new CountDownLatch(1);
        try {
            maintenance.execute(() -> {
                nodes.values().forEach(Node::close);
                nodes.clear();
                done.countDown();
            });
            done.await(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException | InterruptedException ignored) {
            // closed already
        }
        maintenance.shutdownNow();
        if (ownsCluster) {
            cluster.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }
}
