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
 * readers one each) as soon as that reader registers. Splits returned by a failed reader go back to it when it registers again.
 */
public final class RedisPubSubEnumerator implements SplitEnumerator<RedisPubSubSplit, RedisPubSubEnumeratorState> {

    private static final Logger LOG = LoggerFactory.getLogger(RedisPubSubEnumerator.class);

    private final SplitEnumeratorContext<RedisPubSubSplit> context;
    private final Set<RedisPubSubSplit> unassigned;

    RedisPubSubEnumerator(SplitEnumeratorContext<RedisPubSubSplit> context, Set<RedisPubSubSplit> unassigned) {
        this.context = context;
        this.unassigned = new LinkedHashSet<>(unassigned);
    }

    @Override
    public void start() {
        assignPending();
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        // Splits are pushed on registration; readers never ask.
    }

    @Override
    public void addSplitsBack(List<RedisPubSubSplit> splits, int subtaskId) {
        unassigned.addAll(splits);
        assignPending();
    }

    @Override
    public void addReader(int subtaskId) {
        assignPending();
    }

    private void assignPending() {
        var registered = context.registeredReaders();
        for (var it = unassigned.iterator(); it.hasNext(); ) {
            RedisPubSubSplit split = it.next();
            int owner = ownerOf(split, context.currentParallelism());
            if (registered.containsKey(owner)) {
                LOG.info("Assigning pattern {} to reader {}", split.pattern(), owner);
                context.assignSplit(split, owner);
                it.remove();
            }
        }
    }

    static int ownerOf(RedisPubSubSplit split, int parallelism) {
        return Math.floorMod(split.index(), parallelism);
    }

    @Override
    public RedisPubSubEnumeratorState snapshotState(long checkpointId) {
        return new RedisPubSubEnumeratorState(unassigned);
    }

    @Override
    public void close() {}
}
