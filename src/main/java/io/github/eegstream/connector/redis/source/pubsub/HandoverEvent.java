package io.github.eegstream.connector.redis.source.pubsub;

import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.source.SourceEvent;

/**
 * What a pub/sub source's enumerator and readers tell each other to share the channels by load
 * and to hand a class of channels from one reader to another without losing or repeating a
 * message (see {@link RedisPubSubEnumerator}).
 */
public sealed interface HandoverEvent extends SourceEvent {

    /** Enumerator to reader: read these classes' patterns from now on (a reader registering). */
    record Assign(List<String> patterns) implements HandoverEvent {}

    /** Reader to enumerator: messages per channel over the last {@code millis}. */
    record Load(Map<String, Long> messages, long millis) implements HandoverEvent {}

    /**
     * Enumerator to reader: subscribe to these patterns, but drop their messages until the marker
     * {@code token} arrives on the handover channel.
     */
    record Subscribe(long token, List<String> patterns) implements HandoverEvent {}

    /** Reader to enumerator: the patterns of {@code token} are subscribed. */
    record Subscribed(long token) implements HandoverEvent {}

    /**
     * Enumerator to reader: publish the marker {@code token} on the handover channel, keep reading
     * {@code pattern} up to it, then unsubscribe.
     */
    record Release(long token, String pattern) implements HandoverEvent {}

    /** Reader to enumerator: {@code pattern} is read no more; the move of {@code token} is done. */
    record Released(long token) implements HandoverEvent {}

    /**
     * Enumerator to reader: the previous reader of {@code token}'s patterns has stopped; start
     * them if this reader's connection had a gap since it subscribed (the marker may be lost),
     * or in any case with {@code force} (the previous reader is gone).
     */
    record Start(long token, boolean force) implements HandoverEvent {}

    /** Enumerator to reader: the move {@code token} is off; unsubscribe from its patterns. */
    record Abort(long token, List<String> patterns) implements HandoverEvent {}
}
