package io.github.eegstream.connector.redis.sink;

import io.github.eegstream.connector.redis.RedisClientFactory;
import io.github.eegstream.connector.redis.RedisConnectorMetrics;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;

/**
 * Writes PUBLISH commands without waiting for each reply; on a Redis Cluster, SPUBLISH (sharded
 * pub/sub, routed to the master of the channel's slot: it leaves Redis once, not from every node). All methods, the flush timer's callback
 * included, run on the task's mailbox thread, so the unsynchronized state here is safe.
 */
final class RedisPublishWriter<T> implements SinkWriter<T> {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RedisPublishWriter.class);
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    private final RedisClient client;
    /** On a Redis Cluster (then {@code client} is null): SPUBLISH instead of PUBLISH. */
    private final RedisClusterClient clusterClient;
    private final StatefulConnection<byte[], byte[]> connection;
    private final RedisClusterAsyncCommands<byte[], byte[]> commands;
    private final ProcessingTimeService timeService;
    private final int batchSize;
    private final long flushIntervalMillis;
    private final int maxInFlight;
    private final PublicationSerializer<T> serializer;
    /** Deduplicating: the function called instead of PUBLISH (null otherwise). */
    private final PublishOnceFunction publishOnce;
    /** The function's prefix and this job's scope: each channel's sequence key is this and the channel. */
    private final String sequenceKeyPrefix;

    private final ArrayDeque<RedisFuture<Long>> inFlight = new ArrayDeque<>();
    private final java.util.Map<String, ChannelNames> channels = new java.util.HashMap<>();
    private final byte[] dedupSeconds;
    private final Counter failures;
    private final Counter duplicates;
    private final Counter recordsSent;
    private final Counter bytesSent;
    private int unflushed;
    private boolean timerArmed;

    RedisPublishWriter(
            WriterInitContext context, PublicationSerializer<T> serializer, RedisClientFactory endpoint, int batchSize, Duration flushInterval, int maxInFlight,
            Duration deduplicateFor, PublishOnceFunction publishOnce, String deduplicationScope) {
        this.serializer = serializer;
        this.sequenceKeyPrefix = deduplicateFor == null ? "" : publishOnce.sequenceKeyPrefix() + deduplicationScope + ":";
        this.publishOnce = deduplicateFor == null ? null : publishOnce;
        if (endpoint.isCluster()) {
            // Sharded pub/sub; deduplication is refused on a cluster when the sink is built.
            this.client = null;
            this.clusterClient = endpoint.createClusterClient(null);
            StatefulRedisClusterConnection<byte[], byte[]> c;
            try {
                c = clusterClient.connect(ByteArrayCodec.INSTANCE);
            } catch (RuntimeException e) {
                clusterClient.shutdown(Duration.ZERO, Duration.ofSeconds(1));
                throw e;
            }
            this.connection = c;
            this.connection.setAutoFlushCommands(false);
            this.commands = c.async();
        } else {
        this.clusterClient = null;
        this.client = endpoint.createClient(null);
        if (deduplicateFor != null) {
            try (StatefulRedisConnection<String, String> check = client.connect()) {
                publishOnce.ensureLoaded(check.sync(), endpoint.redacted());
            } catch (RuntimeException e) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
                throw e;
            }
        }
        StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE);
        this.connection = c;
        this.connection.setAutoFlushCommands(false);
        this.commands = c.async();
        }
        this.timeService = context.getProcessingTimeService();
        this.batchSize = batchSize;
        this.flushIntervalMillis = flushInterval.toMillis();
        this.maxInFlight = maxInFlight;
        this.recordsSent = context.metricGroup().getNumRecordsSendCounter();
        this.bytesSent = context.metricGroup().getNumBytesSendCounter();
        this.failures = context.metricGroup().getNumRecordsOutErrorsCounter();
        this.duplicates = context.metricGroup().counter(RedisConnectorMetrics.DUPLICATES_SKIPPED);
        this.dedupSeconds = deduplicateFor == null ? null
                : Long.toString(Math.max(1, deduplicateFor.toSeconds())).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
        Publication publication = serializer.serialize(element);
        ChannelNames names = channelNames(publication.channel());
        if (dedupSeconds != null && publication.sequence() > 0) {
            inFlight.add(commands.fcall(publishOnce.name(), ScriptOutputType.INTEGER, names.sequenceKey, names.channel,
                    publication.payload(), zeroPadded(publication.sequence()), dedupSeconds));
        } else {
            inFlight.add(clusterClient != null ? commands.spublish(names.channel, publication.payload())
                    : commands.publish(names.channel, publication.payload()));
        }
        recordsSent.inc();
        bytesSent.inc(publication.payload().length);
        if (++unflushed >= batchSize || flushIntervalMillis == 0) {
            flushCommands();
        } else if (!timerArmed) {
            timerArmed = true;
            timeService.registerTimer(timeService.getCurrentProcessingTime() + flushIntervalMillis, t -> onTimer());
        }
        if (inFlight.size() >= maxInFlight) {
            awaitAcknowledged();
        }
    }

    private void onTimer() throws IOException {
        timerArmed = false;
        if (unflushed > 0) {
            flushCommands();
        }
    }

    private void flushCommands() throws IOException {
        connection.flushCommands();
        unflushed = 0;
        // Replies arrive in order: drop the acknowledged head, failing on the first error.
        while (!inFlight.isEmpty() && inFlight.peek().isDone()) {
            check(inFlight.poll());
        }
    }

    /** At checkpoints and end of input: everything written so far is acknowledged by Redis. */
    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        flushCommands();
        awaitAcknowledged();
    }

    private void awaitAcknowledged() throws IOException, InterruptedException {
        if (unflushed > 0) {
            connection.flushCommands();
            unflushed = 0;
        }
        long deadline = System.nanoTime() + ACK_TIMEOUT.toNanos();
        while (!inFlight.isEmpty()) {
            RedisFuture<Long> head = inFlight.peek();
            try {
                head.get(Math.min(50_000_000L, Math.max(1, deadline - System.nanoTime())), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("Redis did not acknowledge " + inFlight.size() + " PUBLISHes within " + ACK_TIMEOUT, e);
                }
                // Flushed again: a cluster node connection that was still connecting (a promoted
                // master) when the commands were flushed has them still queued.
                connection.flushCommands();
                continue;
            } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                // reported by check() below
            }
            check(inFlight.poll());
        }
    }

    /** A channel's name, and its sequence key, as bytes: made once per channel, not per publication. */
    private record ChannelNames(byte[] channel, byte[][] sequenceKey) {}

    private ChannelNames channelNames(String channel) {
        ChannelNames names = channels.get(channel);
        if (names == null) {
            if (channels.size() > 100_000) {
                channels.clear(); // bounded, whatever the number of users over the job's life
            }
            names = new ChannelNames(channel.getBytes(StandardCharsets.UTF_8),
                    new byte[][] {(sequenceKeyPrefix + channel).getBytes(StandardCharsets.UTF_8)});
            channels.put(channel, names);
        }
        return names;
    }

    /** Twenty digits, so that the function compares sequences as strings. */
    private static byte[] zeroPadded(long sequence) {
        byte[] out = new byte[20];
        for (int i = 19; i >= 0; i--, sequence /= 10) {
            out[i] = (byte) ('0' + sequence % 10);
        }
        return out;
    }

    /**
     * Exactly once: a failure fails the job (it restarts from its checkpoint and publishes again).
     * At most once: it is counted and logged, and the job goes on.
     */
    private void check(RedisFuture<Long> future) throws IOException {
        try {
            Long receivers = future.get(0, TimeUnit.NANOSECONDS);
            if (receivers != null && receivers < 0) {
                duplicates.inc();
            }
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (dedupSeconds != null) {
                throw new IOException("PUBLISH failed: " + cause.getMessage(), cause);
            }
            failures.inc();
            if (io.github.eegstream.connector.redis.SampledLog.shouldLog(failures.getCount())) {
                LOG.warn("PUBLISH failed ({} so far; those predictions are lost): {}", failures.getCount(),
                        cause.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("check() is only called on completed futures", e);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            connection.close();
        } finally {
            (client != null ? client : clusterClient).shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
