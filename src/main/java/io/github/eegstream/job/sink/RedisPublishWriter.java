package io.github.eegstream.job.sink;

import io.github.eegstream.redis.RedisEndpoint;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
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
 * Writes PUBLISH commands without waiting for each reply. All methods, the flush timer's callback
 * included, run on the task's mailbox thread, so the unsynchronized state here is safe.
 */
final class RedisPublishWriter implements SinkWriter<Publication> {

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final RedisAsyncCommands<byte[], byte[]> commands;
    private final ProcessingTimeService timeService;
    private final int batchSize;
    private final long flushIntervalMillis;
    private final int maxInFlight;
    private final ArrayDeque<RedisFuture<Long>> inFlight = new ArrayDeque<>();
    private final Counter recordsSent;
    private final Counter bytesSent;
    private int unflushed;
    private boolean timerArmed;

    RedisPublishWriter(
            WriterInitContext context, RedisEndpoint endpoint, int batchSize, Duration flushInterval, int maxInFlight) {
        this.client = endpoint.createClient();
        this.connection = client.connect(ByteArrayCodec.INSTANCE);
        this.connection.setAutoFlushCommands(false);
        this.commands = connection.async();
        this.timeService = context.getProcessingTimeService();
        this.batchSize = batchSize;
        this.flushIntervalMillis = flushInterval.toMillis();
        this.maxInFlight = maxInFlight;
        this.recordsSent = context.metricGroup().getNumRecordsSendCounter();
        this.bytesSent = context.metricGroup().getNumBytesSendCounter();
    }

    @Override
    public void write(Publication publication, Context context) throws IOException, InterruptedException {
        inFlight.add(commands.publish(publication.channel().getBytes(StandardCharsets.UTF_8), publication.payload()));
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
                head.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new IOException("Redis did not acknowledge " + inFlight.size() + " PUBLISHes within " + ACK_TIMEOUT, e);
            } catch (ExecutionException e) {
                // reported by check() below
            }
            check(inFlight.poll());
        }
    }

    private static void check(RedisFuture<Long> future) throws IOException {
        try {
            future.get(0, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IOException("PUBLISH failed: " + e.getCause().getMessage(), e.getCause());
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
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
