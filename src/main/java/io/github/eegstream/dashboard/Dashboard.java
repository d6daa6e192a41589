package io.github.eegstream.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.eegstream.redis.RedisEndpoint;
import io.javalin.Javalin;
import io.javalin.http.sse.SseClient;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
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
 * The dashboard's web server: the page ({@code /} and its files, which hold no data), and a stream
 * of frames ({@code /events}, in the Server-Sent Events format, read by the page with a streaming
 * {@code fetch}) ten times a second, to requests with an expected Host and Origin and, for data,
 * its access token as a bearer token ({@link DashboardAccess}), under a Content-Security-Policy
 * that runs no inline script. A browser that cannot keep up misses frames: a frame is never
 * queued behind another, and the Redis subscription never waits for a browser.
 */
public final class Dashboard implements AutoCloseable {

    /** Frames per second sent to each page. */
    static final int FRAMES_PER_SECOND = 10;

    /** Our own files only; styles set from script (uPlot, bars) are CSSOM, which style-src does not govern. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final DashboardAccess access;
    private final String host;
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
     * {@code host:port} (port 0: any free one) to requests that {@code access} lets in.
     */
    public Dashboard(RedisEndpoint endpoint, String host, int port, DashboardAccess access) {
        this.access = access;
        // --host [::1] as a URL writes it: the address itself is ::1
        this.host = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        this.feed = new LiveFeed(endpoint, 64);
        this.server = Javalin.create(config -> config.showJavalinBanner = false);
        // Every response, refusals included: no script but our own files, no framing, no referrer
        // (the first URL carries the token), nothing cached.
        server.before(ctx -> {
            ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("X-Frame-Options", "DENY");
            ctx.header("Referrer-Policy", "no-referrer");
            ctx.header("Cache-Control", "no-store");
            access.check(ctx, !isPageFile(ctx.path()));
        });
        server.get("/", ctx -> serve(ctx, "index.html"));
        for (String file : STATIC_FILES.keySet()) {
            server.get("/" + file, ctx -> serve(ctx, file));
        }
        server.sse("/events", client -> {
            client.keepAlive();
            Viewer viewer = new Viewer(client);
            viewers.add(viewer);
            client.onClose(() -> viewers.remove(viewer));
        });
        server.get("/api/live", ctx -> ctx.json(Map.of("live", feed.liveUsers())));
        server.get("/api/stats", ctx -> ctx.json(Map.of("live", feed.liveUsers().size(), "decoded", feed.decoded(),
                "droppedMessages", feed.dropped(), "rejectedMessages", feed.rejected(), "skippedFrames", framesSkipped.get(), "viewers", viewers.size())));
        server.start(this.host, port);
        ticker.scheduleAtFixedRate(this::broadcast, 0, 1000 / FRAMES_PER_SECOND, TimeUnit.MILLISECONDS);
    }

    /** As above, with a new random token. */
    public Dashboard(RedisEndpoint endpoint, String host, int port) {
        this(endpoint, host, port, DashboardAccess.random());
    }

    /** The page's files, served from the classpath: nothing else is. */
    private static final Map<String, String> STATIC_FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8",
            "vendor/uPlot.iife.min.js", "text/javascript; charset=utf-8",
            "vendor/uPlot.min.css", "text/css; charset=utf-8");

    private static void serve(Context ctx, String file) throws java.io.IOException {
        try (java.io.InputStream in = Dashboard.class.getResourceAsStream("/dashboard/" + file)) {
            if (in == null) {
                throw new NotFoundResponse();
            }
            ctx.contentType(STATIC_FILES.get(file)).result(in.readAllBytes());
        }
    }

    /** The page and its files: the same for everyone, no data in them. */
    private static boolean isPageFile(String path) {
        return path.equals("/") || STATIC_FILES.containsKey(path.substring(1));
    }

    /**
     * The address to open, token included (as Jupyter prints it), in the fragment: the browser
     * keeps it to itself, so it is in no request line, log or Referer.
     */
    public String url() {
        String shown = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return "http://" + (shown.contains(":") ? "[" + shown + "]" : shown) + ":" + port() + "/#token=" + access.token();
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
