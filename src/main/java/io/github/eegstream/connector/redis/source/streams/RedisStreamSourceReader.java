package io.github.eegstream.connector.redis.source.streams;

import io.github.eegstream.connector.redis.DeadLetterSerializer;
import io.github.eegstream.connector.redis.MessageDeserializer;
import io.github.eegstream.connector.redis.RedisClientFactory;
import io.github.eegstream.connector.redis.RedisConnectorMetrics;
import io.github.eegstream.connector.redis.RejectReasons;
import io.github.eegstream.connector.redis.Rejects;
import java.util.Map;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;

/**
 * Reads its streams on one fetcher thread and emits their entries on the task thread, where each
 * entry moves its split's position: a checkpoint holds exactly the entries emitted before it.
 * When the enumerator forgets a stream that no longer exists, the reader drops its split and
 * says where it had got to ({@link StreamEvents}).
 */
final class RedisStreamSourceReader<T>
        extends SingleThreadMultiplexSourceReaderBase<StreamEntry, T, RedisStreamSplit, RedisStreamSplitState> {

    private final Rejects rejects;
    /** The streams this reader holds (task thread). */
    private final java.util.Set<String> held = java.util.concurrent.ConcurrentHashMap.newKeySet(); // a gauge reads it
    /** Streams to let go of, handed to the fetcher thread, which reports their splits finished. */
    private final java.util.Queue<String> letGo;

    private RedisStreamSourceReader(SourceReaderContext context, RedisClientFactory endpoint, String clientName,
            FetchLimits limits, String dataField, Rejects rejects, MessageDeserializer<T> deserializer,
            java.util.Queue<String> letGo, org.apache.flink.metrics.Counter readErrors) {
        // One counter for every fetcher: an idle one is closed and a new one made when splits come.
        super(() -> new RedisStreamSplitReader(endpoint, clientName, limits, dataField, readErrors, letGo),
                new Emitter<>(deserializer, rejects, context.metricGroup().counter(RedisConnectorMetrics.RETENTION_GAPS)),
                new Configuration(), context);
        this.rejects = rejects;
        this.letGo = letGo;
        context.metricGroup().gauge(RedisConnectorMetrics.READING_STREAMS, held::size);
    }

    @Override
    public void addSplits(java.util.List<RedisStreamSplit> splits) {
        splits.forEach(s -> held.add(s.key()));
        super.addSplits(splits);
    }

    @Override
    public void handleSourceEvents(org.apache.flink.api.connector.source.SourceEvent event) {
        if (event instanceof StreamEvents.Forget forget) {
            if (held.contains(forget.key())) {
                // The fetcher reports its split finished; answered then (onSplitFinished), with its position.
                letGo.add(forget.key());
            } else {
                context.sendSourceEventToCoordinator(new StreamEvents.Forgotten(forget.key(), null));
            }
        } else {
            super.handleSourceEvents(event);
        }
    }

    static <T> RedisStreamSourceReader<T> create(SourceReaderContext context, RedisClientFactory endpoint, String clientName,
            FetchLimits limits, String dataField, String deadLetterChannel, DeadLetterSerializer deadLetters,
            MessageDeserializer<T> deserializer) {
        Rejects rejects = new Rejects(context.metricGroup(), endpoint, clientName, deadLetterChannel, deadLetters);
        return new RedisStreamSourceReader<>(context, endpoint, clientName, limits, dataField, rejects, deserializer,
                new java.util.concurrent.ConcurrentLinkedQueue<>(), context.metricGroup().counter(RedisConnectorMetrics.READ_ERRORS));
    }

    @Override
    protected void onSplitFinished(Map<String, RedisStreamSplitState> finished) {
        // Streams never end; they are only let go of when they no longer exist.
        finished.forEach((key, state) -> {
            held.remove(key);
            context.sendSourceEventToCoordinator(new StreamEvents.Forgotten(key, state.toSplit().lastId()));
        });
    }

    @Override
    protected RedisStreamSplitState initializedState(RedisStreamSplit split) {
        return new RedisStreamSplitState(split);
    }

    @Override
    protected RedisStreamSplit toSplitType(String splitId, RedisStreamSplitState state) {
        return state.toSplit();
    }

    @Override
    public void close() throws Exception {
        try {
            super.close();
        } finally {
            rejects.close();
        }
    }

    /** Decodes an entry, or rejects it; either way the split moves past it. */
    private record Emitter<T>(MessageDeserializer<T> deserializer, Rejects rejects, org.apache.flink.metrics.Counter retentionGaps)
            implements RecordEmitter<StreamEntry, T, RedisStreamSplitState> {
        @Override
        public void emitRecord(StreamEntry entry, SourceOutput<T> output, RedisStreamSplitState state) {
            if (entry.lost() != null) {
                retentionGaps.inc();
                T notice = deserializer.retentionGap(entry.key(), entry.lost().lastReadId(), entry.lost().firstRetainedId());
                if (notice != null) {
                    output.collect(notice);
                }
                state.advanceTo(entry.id());
                return;
            }
            if (entry.tooLarge()) {
                rejects.reject(entry.key(), entry.payload(), RejectReasons.TOO_LARGE, new IllegalArgumentException(
                        "stream entry of " + entry.length() + " bytes is larger than the limit"));
                state.advanceTo(entry.id());
                return;
            }
            try {
                output.collect(deserializer.deserialize(entry.key(), entry.payload()));
            } catch (Exception e) {
                rejects.reject(entry.key(), entry.payload(), deserializer.rejectReason(e), e);
            }
            state.advanceTo(entry.id());
        }
    }
}
