package io.github.eegstream.job.source;

import java.util.Set;

/** What the enumerator checkpoints: the splits not yet owned by a reader. */
public record RedisPubSubEnumeratorState(Set<RedisPubSubSplit> unassigned) {

    public RedisPubSubEnumeratorState {
        unassigned = Set.copyOf(unassigned);
    }
}
