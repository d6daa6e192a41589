package io.github.eegstream.dashboard;

import io.github.eegstream.redis.MessageFeed;
import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.wire.Alert;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Features;
import io.github.eegstream.wire.Prediction;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;


/**
 * Every user's channels, as the dashboard sees them: a {@link MessageFeed} of every user's raw
 * samples, predictions, features and alerts (a slow page never holds up the subscription), and
 * each user's {@link UserView} drained into frames for the page.
 */
final class LiveFeed implements AutoCloseable {

    /** A user silent this long leaves the list of live users. */
    static final long LIVE_MILLIS = 10_000;

    private final Map<String, UserView> users = new TreeMap<>();
    private final double displayRate;
    private final MessageFeed feed;

    LiveFeed(RedisEndpoint endpoint, double displayRate) {
        this.displayRate = displayRate;
        this.feed = MessageFeed.ofAllUsers(endpoint, "eegstream-dashboard", 50_000,
                List.of(ChannelKind.RAW, ChannelKind.PREDICTIONS, ChannelKind.FEATURES, ChannelKind.ALERTS), this::show);
    }

    private void show(Channel channel, WireMessage message) {
        long now = System.currentTimeMillis();
        synchronized (users) {
            UserView view = users.computeIfAbsent(channel.userId(), id -> new UserView(displayRate));
            if (message instanceof RawSamples s) {
                view.add(s, now);
            } else if (message instanceof Prediction p) {
                view.add(p, now);
            } else if (message instanceof Features f) {
                view.add(f, now);
            } else if (message instanceof Alert a) {
                view.add(a, now);
            }
        }
    }

    /** A frame: the live users, and what arrived for each since the last frame. */
    Map<String, Object> frame() {
        long now = System.currentTimeMillis();
        Map<String, Object> data = new LinkedHashMap<>();
        List<String> live = new ArrayList<>();
        synchronized (users) {
            users.values().removeIf(v -> now - v.lastSeenMillis() > 5 * LIVE_MILLIS);
            users.forEach((id, view) -> {
                if (now - view.lastSeenMillis() <= LIVE_MILLIS) {
                    live.add(id);
                }
                Map<String, Object> news = view.drain();
                if (news != null) {
                    data.put(id, news);
                }
            });
        }
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("now", now / 1000.0);
        frame.put("live", live);
        frame.put("users", data);
        frame.put("dropped", feed.dropped());
        return frame;
    }

    /** The users heard from in the last {@link #LIVE_MILLIS}. */
    List<String> liveUsers() {
        long now = System.currentTimeMillis();
        synchronized (users) {
            return users.entrySet().stream().filter(e -> now - e.getValue().lastSeenMillis() <= LIVE_MILLIS)
                    .map(Map.Entry::getKey).toList();
        }
    }

    long decoded() {
        return feed.delivered();
    }

    /** Messages that were not valid wire messages (not shown; the job counts them too). */
    long rejected() {
        return feed.rejected();
    }

    /** Messages dropped for display because the page's side could not keep up. */
    long dropped() {
        return feed.dropped();
    }

    @Override
    public void close() {
        feed.close();
    }
}
