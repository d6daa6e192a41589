package io.github.eegstream.connector.redis.source.sharded;

import java.util.List;
import org.apache.flink.api.connector.source.SourceEvent;

/**
 * From the enumerator to a reader: these channels have not sent within the active window, so the
 * reader unsubscribes and forgets them (a channel that sends again is found and dealt again).
 */
record ReleaseChannels(List<String> channels) implements SourceEvent {

    ReleaseChannels {
        channels = List.copyOf(channels);
    }
}
