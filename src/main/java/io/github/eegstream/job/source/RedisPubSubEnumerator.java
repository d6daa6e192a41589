package io.github.eegstream.job.source;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assigns each pattern split to one reader (split i to reader i mod p, so p splits spread over p
 * readers one each) whenever that reader registers. Pub/sub splits hold no position and readers
 * checkpoint none, so a reader that registers again (after a failover, regional or global, or a
 * restore) is given its splits again, whatever it held before.
 */
public final class RedisPubSubEnumerator implements SplitEnumerator<RedisPubSubSplit, RedisPubSubEnumeratorState> {

    private static final Logger LOG = LoggerFactory.getLogger(RedisPubSubEnumerator.class);

    private final SplitEnumeratorContext<RedisPubSubSplit> context;
    private final Set<RedisPubSubSplit> splits;

    RedisPubSubEnumerator(SplitEnumeratorContext<RedisPubSubSplit> context, Set<RedisPubSubSplit> splits) {
        this.context = context;
        this.splits = new LinkedHashSet<>(splits);
    }

    @Override
    public void start() {
        context.registeredReaders().keySet().forEach(this::assignTo);
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        // Splits are pushed on registration; readers never ask.
    }

    @Override
    public void addSplitsBack(List<RedisPubSubSplit> returned, int subtaskId) {
        // Nothing to do: the reader gets its splits again when it registers again.
    }

    @Override
    public void addReader(int subtaskId) {
        assignTo(subtaskId);
    }

    private void assignTo(int reader) {
        for (RedisPubSubSplit split : splits) {
            if (ownerOf(split, context.currentParallelism()) == reader) {
                LOG.info("Assigning pattern {} to reader {}", split.pattern(), reader);
                context.assignSplit(split, reader);
            }
        }
    }

    static int ownerOf(RedisPubSubSplit split, int parallelism) {
        return Math.floorMod(split.index(), parallelism);
    }

    @Override
    public RedisPubSubEnumeratorState snapshotState(long checkpointId) {
        return new RedisPubSubEnumeratorState(splits);
    }

    @Override
    public void close() {}
}
