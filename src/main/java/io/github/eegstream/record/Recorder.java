package io.github.eegstream.record;

import io.github.eegstream.redis.MessageFeed;
import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;


/**
 * Records users' raw samples, predictions, features and alerts from Redis into one BDF+ file per
 * user (one participant per file, as EEG tools and BIDS expect). A {@link MessageFeed} hands the
 * messages to the writing thread; bad messages are counted and skipped.
 */
public final class Recorder implements AutoCloseable {

    private final Map<String, UserRecording> recordings = new LinkedHashMap<>();
    private final Consumer<String> screen;
    private final MessageFeed feed;

    /**
     * @param files where each user's recording goes
     * @param rate the rate to record at, or 0 to take each stream's own
     */
    public Recorder(RedisEndpoint endpoint, Map<String, Path> files, double rate, Consumer<String> screen) {
        this.screen = screen;
        files.forEach((user, path) -> recordings.put(user, new UserRecording(path, user, rate)));
        List<Channel> channels = new ArrayList<>();
        for (String user : files.keySet()) {
            for (ChannelKind kind : List.of(ChannelKind.RAW, ChannelKind.PREDICTIONS, ChannelKind.FEATURES, ChannelKind.ALERTS)) {
                channels.add(Channel.of(user, kind));
            }
        }
        this.feed = MessageFeed.ofChannels(endpoint, "eegstream-recorder", 100_000, channels, this::write);
    }

    /** Each user's file: {@code out} itself for one user; else {@code {user}} in it, or the user before the extension. */
    public static Map<String, Path> files(Path out, List<String> users) {
        Map<String, Path> files = new LinkedHashMap<>();
        String name = out.getFileName().toString();
        for (String user : users) {
            Channel.of(user, ChannelKind.RAW); // validates the id
            String file;
            if (name.contains("{user}")) {
                file = name.replace("{user}", user);
            } else if (users.size() == 1) {
                file = name;
            } else {
                int dot = name.lastIndexOf('.');
                file = dot > 0 ? name.substring(0, dot) + "-" + user + name.substring(dot) : name + "-" + user;
            }
            files.put(user, out.resolveSibling(file));
        }
        return files;
    }

    private void write(Channel channel, WireMessage message) throws IOException {
        UserRecording recording = recordings.get(channel.userId());
        try {
            if (message instanceof RawSamples s) {
                recording.add(s);
            } else {
                recording.annotate(message);
            }
        } catch (IOException e) {
            screen.accept("record: cannot write: " + e.getMessage());
            throw e;
        }
    }

    /** Why writing stopped, or null. */
    public IOException failure() {
        return feed.failure();
    }

    /** Stops listening, writes what is queued, completes and closes the files. */
    @Override
    public void close() throws IOException {
        feed.close();
        for (UserRecording r : recordings.values()) {
            r.close();
            screen.accept("record: " + r.summary());
        }
        if (feed.dropped() > 0 || feed.rejected() > 0) {
            screen.accept("record: " + feed.dropped() + " messages dropped (could not keep up), " + feed.rejected()
                    + " bad ones skipped");
        }
    }
}
