package io.github.eegstream.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.eegstream.redis.RedisEndpoint;
import io.javalin.Javalin;
import io.javalin.http.sse.SseClient;
import io.javalin.http.staticfiles.Location;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dashboard's web server: the page ({@code /}), and a stream of frames ({@code /events},
 * Server-Sent Events) ten times a second. A browser that cannot keep up misses frames: a frame
 * is never queued behind another, and the Redis subscription never waits for a browser.
 */
public final class Dashboard implements AutoCloseable {

    /** Frames per second sent to each page. */
    static final int FRAMES_PER_SECOND = 10;

    private final LiveFeed feed;
    private final Javalin server;
    private final ObjectMapper json = new ObjectMapper();
    private final Set<Viewer> viewers = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dashboard-frames");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService senders = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dashboard-sender");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong framesSkipped = new AtomicLong();

    /** One open page: sends one frame at a time, skipping those that come while it is busy. */
    private final class Viewer {
        final SseClient client;
        final AtomicBoolean busy = new AtomicBoolean();

        Viewer(SseClient client) {
            this.client = client;
        }

        void offer(String frame) {
            if (!busy.compareAndSet(false, true)) {
                framesSkipped.incrementAndGet();
                return;
            }
            senders.execute(() -> {
                try {
                    client.sendEvent("frame", frame);
                } finally {
                    busy.set(false);
                }
            });
        }
    }

    /**
     * Subscribes to every user's channels at {@code endpoint} and serves the page on
     * {@code host:port} (port 0: any free one).
     */
    public Dashboard(RedisEndpoint endpoint, String host, int port) {
        this.feed = new LiveFeed(endpoint, 64);
        this.server = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.staticFiles.add("/dashboard", Location.CLASSPATH);
        });
        server.sse("/events", client -> {
            client.keepAlive();
            Viewer viewer = new Viewer(client);
            viewers.add(viewer);
            client.onClose(() -> viewers.remove(viewer));
        });
        server.get("/api/live", ctx -> ctx.json(Map.of("live", feed.liveUsers())));
        server.get("/api/stats", ctx -> ctx.json(Map.of("live", feed.liveUsers().size(), "decoded", feed.decoded(),
                "droppedMessages", feed.dropped(), "rejectedMessages", feed.rejected(), "skippedFrames", framesSkipped.get(), "viewers", viewers.size())));
        server.start(host, port);
        ticker.scheduleAtFixedRate(this::broadcast, 0, 1000 / FRAMES_PER_SECOND, TimeUnit.MILLISECONDS);
    }

    private void broadcast() {
        try {
            Map<String, Object> frame = feed.frame();
            frame.put("skipped", framesSkipped.get());
            String text = json.writeValueAsString(frame);
            viewers.forEach(v -> v.offer(text));
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(Dashboard.class).warn("Could not send a frame", e);
        }
    }

    /** The port the page is served on. */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        server.stop();
        senders.shutdownNow();
        feed.close();
    }
}
