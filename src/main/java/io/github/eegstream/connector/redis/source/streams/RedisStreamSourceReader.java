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
 */
final class RedisStreamSourceReader<T>
        extends SingleThreadMultiplexSourceReaderBase<StreamEntry, T, RedisStreamSplit, RedisStreamSplitState> {

    private final Rejects rejects;

    private RedisStreamSourceReader(SourceReaderContext context, RedisClientFactory endpoint, String clientName,
            FetchLimits limits, String dataField, Rejects rejects, MessageDeserializer<T> deserializer) {
        super(() -> new RedisStreamSplitReader(endpoint, clientName, limits, dataField,
                        context.metricGroup().counter(RedisConnectorMetrics.READ_ERRORS)),
                new Emitter<>(deserializer, rejects), new Configuration(), context);
        this.rejects = rejects;
    }

    static <T> RedisStreamSourceReader<T> create(SourceReaderContext context, RedisClientFactory endpoint, String clientName,
            FetchLimits limits, String dataField, String deadLetterChannel, DeadLetterSerializer deadLetters,
            MessageDeserializer<T> deserializer) {
        Rejects rejects = new Rejects(context.metricGroup(), endpoint, clientName, deadLetterChannel, deadLetters);
        return new RedisStreamSourceReader<>(context, endpoint, clientName, limits, dataField, rejects, deserializer);
    }

    @Override
    protected void onSplitFinished(Map<String, RedisStreamSplitState> finished) {
        // streams never end
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
    private record Emitter<T>(MessageDeserializer<T> deserializer, Rejects rejects)
            implements RecordEmitter<StreamEntry, T, RedisStreamSplitState> {
        @Override
        public void emitRecord(StreamEntry entry, SourceOutput<T> output, RedisStreamSplitState state) {
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
