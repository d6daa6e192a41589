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
 * user (one participant per file, as EEG tools and BIDS expect), or into one XDF file for all of
 * them (a stream per user and kind, as LabRecorder keeps a session). A {@link MessageFeed} hands
 * the messages to the writing thread; bad messages are counted and skipped.
 */
public final class Recorder implements AutoCloseable {

    private final Map<String, UserRecording> recordings = new LinkedHashMap<>();
    private final io.github.eegstream.recording.XdfRecording xdf;
    private final Path xdfFile;
    private final Consumer<String> screen;
    private final MessageFeed feed;

    /**
     * @param files where each user's recording goes
     * @param rate the rate to record at, or 0 to take each stream's own
     */
    public Recorder(RedisEndpoint endpoint, Map<String, Path> files, double rate, Consumer<String> screen) {
        this.screen = screen;
        this.xdf = null;
        this.xdfFile = null;
        files.forEach((user, path) -> recordings.put(user, new UserRecording(path, user, rate)));
        this.feed = subscribe(endpoint, List.copyOf(files.keySet()));
    }

    /** Records {@code users} into one XDF file, each stream at its own rate. */
    public Recorder(RedisEndpoint endpoint, Path xdfFile, List<String> users, Consumer<String> screen) throws IOException {
        this.screen = screen;
        users.forEach(u -> Channel.of(u, ChannelKind.RAW)); // validates the ids
        this.xdfFile = xdfFile;
        this.xdf = new io.github.eegstream.recording.XdfRecording(xdfFile);
        this.feed = subscribe(endpoint, users);
    }

    /** True if {@code out} names an XDF file (by its extension), false for BDF; anything else is refused. */
    public static boolean isXdf(Path out) {
        String name = out.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".xdf")) {
            return true;
        }
        if (name.endsWith(".bdf")) {
            return false;
        }
        throw new IllegalArgumentException("--out must name a .bdf or .xdf file, was " + out);
    }

    private MessageFeed subscribe(RedisEndpoint endpoint, List<String> users) {
        List<Channel> channels = new ArrayList<>();
        for (String user : users) {
            for (ChannelKind kind : List.of(ChannelKind.RAW, ChannelKind.PREDICTIONS, ChannelKind.FEATURES, ChannelKind.ALERTS)) {
                channels.add(Channel.of(user, kind));
            }
        }
        return MessageFeed.ofChannels(endpoint, "eegstream-recorder", 100_000, channels, this::write);
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
        if (xdf != null) {
            try {
                if (message instanceof RawSamples s) {
                    xdf.add(channel.userId(), s);
                } else {
                    xdf.annotate(channel.userId(), message);
                }
            } catch (IOException e) {
                screen.accept("record: cannot write: " + e.getMessage());
                throw e;
            }
            return;
        }
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
        if (xdf != null) {
            xdf.close();
            screen.accept("record: " + xdfFile + " closed");
        }
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
