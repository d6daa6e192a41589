package io.github.eegstream.connector.redis.source.streams;

import io.github.eegstream.connector.redis.RedisClientFactory;
import io.github.eegstream.connector.redis.RedisConnectorMetrics;
import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds streams whose keys match the pattern and gives each new one to a reader, by a hash of its
 * key, from its oldest retained entry: a new user's first samples are read, however late the
 * stream is found.
 *
 * <p>With a registry ({@link RedisStreamSource.Builder#setRegistryKey}) it finds them in steady
 * state without scanning the keyspace: once at start it SCANs (streams of appenders that do not
 * register), then every discovery interval it reads the registry's members refreshed within
 * {@code forgetAfter}, which is bounded by the active streams. Every {@link #SWEEP_INTERVAL} it
 * asks whether the streams it handed out and that are no longer refreshed still exist; one that
 * does not is forgotten: every reader lets go of it and says where it had got to (if the stream
 * was made again meanwhile, it is read on from there), and its registry member is removed. So the
 * enumerator's and the readers' state stay bounded by the streams that exist. Without a registry
 * it SCANs every discovery interval.
 *
 * <p>Redis work runs off the coordinator thread ({@code callAsync}); the state is the coordinator's.
 */
public final class RedisStreamEnumerator implements SplitEnumerator<RedisStreamSplit, RedisStreamEnumeratorState> {

    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamEnumerator.class);
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(30);
    /** The most registry members read per discovery: a flood of made-up members cannot grow the state without bound. */
    static final int MAX_REGISTRY_MEMBERS = 100_000;

    private final SplitEnumeratorContext<RedisStreamSplit> context;
    private final RedisClientFactory endpoint;
    private final String keyPattern;
    private final Pattern keyMatcher;
    private final String registryKey;
    private final Duration discoveryInterval;
    private final Duration forgetAfter;
    private final Set<String> assigned;
    private final Map<String, RedisStreamSplit> pending = new LinkedHashMap<>();
    /** Streams being forgotten: the readers yet to answer, and the furthest position answered. */
    private final Map<String, Forgetting> forgetting = new HashMap<>();
    /** Streams every reader has let go of, to be settled in Redis, with the furthest position read. */
    private final Map<String, String> letGo = new LinkedHashMap<>();
    private boolean settling;
    /** What the discovery thread may read of {@link #assigned}: a copy, replaced on the coordinator thread. */
    private volatile Set<String> assignedView = Set.of();
    private volatile boolean scanned;
    private long nextSweepMillis;
    private RedisClient client;
    private volatile StatefulRedisConnection<String, String> connection;
    private final Counter forgotten;

    RedisStreamEnumerator(SplitEnumeratorContext<RedisStreamSplit> context, RedisClientFactory endpoint, String keyPattern,
            String registryKey, Duration discoveryInterval, Duration forgetAfter, RedisStreamEnumeratorState state) {
        this.context = context;
        this.endpoint = endpoint;
        this.keyPattern = keyPattern;
        this.keyMatcher = globToRegex(keyPattern);
        this.registryKey = registryKey;
        this.discoveryInterval = discoveryInterval;
        this.forgetAfter = forgetAfter;
        this.assigned = new HashSet<>(state.assigned());
        state.pending().forEach(s -> pending.put(s.key(), s));
        this.assignedView = Set.copyOf(assigned);
        this.forgotten = context.metricGroup().counter(RedisConnectorMetrics.FORGOTTEN_STREAMS);
        // Asked again of every reader as it registers: one may have let go before its part of the checkpoint.
        state.forgetting().stream().filter(assigned::contains)
                .forEach(key -> forgetting.put(key, new Forgetting(allSubtasks(context))));
    }

    private static Set<Integer> allSubtasks(SplitEnumeratorContext<?> context) {
        Set<Integer> all = new HashSet<>();
        for (int i = 0; i < context.currentParallelism(); i++) {
            all.add(i);
        }
        return all;
    }

    @Override
    public void start() {
        client = endpoint.createClient("eegstream-stream-discovery");
        context.metricGroup().gauge(RedisConnectorMetrics.ASSIGNED_STREAMS, () -> assignedView.size());
        nextSweepMillis = System.currentTimeMillis() + sweepMillis();
        context.callAsync(this::discover, this::onDiscovered, 0, discoveryInterval.toMillis());
    }

    /** What one round of discovery found (on the worker thread). */
    record Found(List<String> keys, List<String> gone) {}

    /** On a worker thread: the streams to read, and (when a sweep is due) the handed-out ones that are gone. */
    private Found discover() throws Exception {
        if (connection == null) {
            connection = client.connect();
        }
        List<String> keys = new ArrayList<>();
        if (registryKey == null || !scanned) {
            scan(keys);
        }
        if (registryKey == null) {
            return new Found(keys, List.of());
        }
        try {
            long now = System.currentTimeMillis();
            // Newest first, so that a cap cuts the oldest; a score far in the future is not fresh
            // (a member can then not stay fresh for ever), and is swept like a stale one.
            List<String> fresh = connection.sync().zrevrangebyscore(registryKey,
                    Range.create((double) (now - forgetAfter.toMillis()), (double) (now + forgetAfter.toMillis())),
                    Limit.create(0, MAX_REGISTRY_MEMBERS));
            keys.addAll(streamsAmong(fresh, now));
            List<String> gone = List.of();
            if (now >= nextSweepMillis) {
                nextSweepMillis = now + sweepMillis();
                gone = sweep(new HashSet<>(fresh), now);
            }
            scanned = true;
            return new Found(keys, gone);
        } catch (RuntimeException e) {
            if (!scanned && !keys.isEmpty()) {
                scanned = true; // what the SCAN found is kept
                LOG.error("Could not read the stream registry {} at {} ({}): streams are found by the SCAN at start only;"
                        + " if this is NOPERM, apply the job's ACL rules again (bin/eeg acl --role job --apply)",
                        registryKey, endpoint.redacted(), e.toString());
                return new Found(keys, List.of());
            }
            throw e;
        }
    }

    /** Rejected registry members (no stream of that name), not asked about again before this time. */
    private final Map<String, Long> notStreams = new HashMap<>();
    private static final long RECHECK_MILLIS = 2_000;

    /**
     * The members that name a stream matching the pattern and not handed out yet: the registry is
     * written by relays, so a made-up member must not become a split. Worker thread.
     */
    private List<String> streamsAmong(List<String> members, long now) throws Exception {
        Set<String> known = assignedView;
        Map<String, RedisFuture<String>> types = new LinkedHashMap<>();
        for (String member : members) {
            if (known.contains(member) || !keyMatcher.matcher(member).matches()) {
                continue;
            }
            Long until = notStreams.get(member);
            if (until != null && until > now) {
                continue;
            }
            types.put(member, connection.async().type(member));
        }
        List<String> streams = new ArrayList<>();
        for (Map.Entry<String, RedisFuture<String>> e : types.entrySet()) {
            String type;
            try {
                type = e.getValue().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException notAllowed) {
                type = "none";
            }
            if ("stream".equals(type)) {
                streams.add(e.getKey());
                notStreams.remove(e.getKey());
            } else {
                if (notStreams.size() >= MAX_REGISTRY_MEMBERS) {
                    notStreams.clear(); // bounded
                }
                notStreams.put(e.getKey(), now + RECHECK_MILLIS); // a relay's first append may be on its way
            }
        }
        return streams;
    }

    /** How often handed-out streams are asked whether they still exist: every 30 s, or {@code forgetAfter} if shorter. */
    private long sweepMillis() {
        return Math.min(SWEEP_INTERVAL.toMillis(), forgetAfter.toMillis());
    }

    private void scan(List<String> keys) {
        KeyScanArgs args = KeyScanArgs.Builder.type("stream").match(keyPattern).limit(1000);
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = connection.sync().scan(cursor, args);
            keys.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
    }

    /**
     * The handed-out streams not refreshed lately that no longer exist; and registry members long
     * stale whose stream is gone, handed out or not, are removed from the registry.
     */
    private List<String> sweep(Set<String> fresh, long now) throws Exception {
        List<String> candidates = new ArrayList<>();
        for (String key : assignedView) {
            if (!fresh.contains(key)) {
                candidates.add(key);
            }
        }
        List<String> staleMembers = new ArrayList<>(connection.sync().zrangebyscore(registryKey,
                Range.create(Double.NEGATIVE_INFINITY, (double) (now - forgetAfter.toMillis())),
                Limit.create(0, MAX_REGISTRY_MEMBERS)));
        staleMembers.addAll(connection.sync().zrangebyscore(registryKey,
                Range.create((double) (now + forgetAfter.toMillis()), Double.POSITIVE_INFINITY),
                Limit.create(0, MAX_REGISTRY_MEMBERS)));
        List<String> gone = new ArrayList<>();
        List<String> goneMembers = new ArrayList<>();
        Map<String, RedisFuture<Long>> exists = new LinkedHashMap<>();
        for (String key : candidates) {
            exists.put(key, connection.async().exists(key));
        }
        for (String member : staleMembers) {
            if (keyMatcher.matcher(member).matches()) {
                exists.putIfAbsent(member, connection.async().exists(member));
            } else {
                goneMembers.add(member); // not a stream of ours: it has no place in the registry
            }
        }
        for (Map.Entry<String, RedisFuture<Long>> e : exists.entrySet()) {
            long found;
            try {
                found = e.getValue().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException notAllowed) {
                continue; // asked again at the next sweep
            }
            if (found == 0) {
                if (assignedView.contains(e.getKey())) {
                    gone.add(e.getKey());
                } else {
                    goneMembers.add(e.getKey()); // never handed out, or forgotten already
                }
            }
        }
        if (!goneMembers.isEmpty()) {
            connection.sync().zrem(registryKey, goneMembers.toArray(String[]::new));
        }
        return gone;
    }

    /** On the coordinator thread. */
    private void onDiscovered(Found found, Throwable error) {
        if (error != null) {
            LOG.warn("Could not look for streams matching {} at {}: {}", keyPattern, endpoint.redacted(), error.toString());
            return;
        }
        for (String key : found.keys()) {
            if (!assigned.contains(key) && !pending.containsKey(key)) {
                pending.put(key, new RedisStreamSplit(key, RedisStreamSplit.BEGINNING));
            }
        }
        for (String key : found.gone()) {
            startForgetting(key);
        }
        assignPending();
        assignedView = Set.copyOf(assigned); // once a round, not once per change
    }

    /** Asks every reader to let go of {@code key}, a stream that no longer exists. */
    private void startForgetting(String key) {
        if (forgetting.containsKey(key) || !assigned.contains(key)) {
            return;
        }
        // Every subtask answers, registered now or not: one that registers later is asked then.
        forgetting.put(key, new Forgetting(allSubtasks(context)));
        SourceEvent forget = new StreamEvents.Forget(key);
        context.registeredReaders().keySet().forEach(reader -> context.sendEventToSourceReader(reader, forget));
    }

    /** One subtask's answer about {@code key}: it let go of it at {@code lastId}, or did not hold it (null). */
    private void answered(String key, int subtaskId, String lastId) {
        Forgetting f = forgetting.get(key);
        if (f == null) {
            return;
        }
        f.awaiting.remove(subtaskId);
        f.lastId = StreamIds.later(f.lastId, lastId);
        if (f.awaiting.isEmpty()) {
            forgotten(key, forgetting.remove(key));
        }
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent event) {
        if (event instanceof StreamEvents.Forgotten answer) {
            answered(answer.key(), subtaskId, answer.lastId());
        }
    }

    /** Every reader has let go of {@code key}: it is forgotten, and its registry member removed. */
    private void forgotten(String key, Forgetting f) {
        assigned.remove(key); // the discovery thread's view follows at the next round
        forgotten.inc();
        LOG.debug("Forgot stream {}: it no longer exists", key);
        letGo.put(key, f.lastId == null ? RedisStreamSplit.BEGINNING : f.lastId);
        settleLetGo();
    }

    /**
     * Off the coordinator thread, for the streams let go of so far (one round at a time): each is
     * removed from the registry, unless it was made again between the sweep and now; then it is
     * read on from where its reader had got to.
     */
    private void settleLetGo() {
        if (settling || letGo.isEmpty()) {
            return;
        }
        settling = true;
        Map<String, String> batch = new LinkedHashMap<>(letGo);
        letGo.clear();
        context.callAsync(() -> {
            Map<String, String> again = new LinkedHashMap<>();
            List<String> remove = new ArrayList<>();
            Map<String, RedisFuture<Long>> exists = new LinkedHashMap<>();
            batch.keySet().forEach(key -> exists.put(key, connection.async().exists(key)));
            for (Map.Entry<String, RedisFuture<Long>> e : exists.entrySet()) {
                if (e.getValue().get(10, TimeUnit.SECONDS) > 0) {
                    again.put(e.getKey(), batch.get(e.getKey()));
                } else {
                    remove.add(e.getKey());
                }
            }
            if (!remove.isEmpty() && registryKey != null) {
                connection.sync().zrem(registryKey, remove.toArray(String[]::new));
            }
            return again;
        }, (again, error) -> {
            settling = false;
            if (error != null) {
                LOG.warn("Could not settle forgotten streams at {}: {}", endpoint.redacted(), error.toString());
                batch.forEach(letGo::putIfAbsent); // tried again with the next ones
            } else {
                // Made again after it expired: every entry is new, so it is read from its start (the
                // few its old reader may have read meanwhile are repeats, which the job drops).
                again.forEach((key, lastId) -> {
                    if (!assigned.contains(key)) {
                        pending.put(key, new RedisStreamSplit(key, RedisStreamSplit.BEGINNING));
                    }
                });
                assignPending();
            }
            settleLetGo();
        });
    }

    private static final class Forgetting {
        final Set<Integer> awaiting;
        String lastId;

        Forgetting(Set<Integer> awaiting) {
            this.awaiting = awaiting;
        }
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        // Splits are pushed as streams are found; readers never ask.
    }

    @Override
    public void addSplitsBack(List<RedisStreamSplit> splits, int subtaskId) {
        for (RedisStreamSplit split : splits) {
            if (forgetting.containsKey(split.key())) {
                answered(split.key(), subtaskId, split.lastId()); // that reader holds it no more
                continue;
            }
            assigned.remove(split.key());
            pending.put(split.key(), split);
        }
        assignPending();
    }

    @Override
    public void addReader(int subtaskId) {
        // A reader (re)started while streams were being forgotten is asked about them now.
        forgetting.forEach((key, f) -> {
            if (f.awaiting.contains(subtaskId)) {
                context.sendEventToSourceReader(subtaskId, new StreamEvents.Forget(key));
            }
        });
        assignPending();
    }

    private void assignPending() {
        var registered = context.registeredReaders();
        for (var it = pending.values().iterator(); it.hasNext(); ) {
            RedisStreamSplit split = it.next();
            int owner = Math.floorMod(split.key().hashCode(), context.currentParallelism());
            if (registered.containsKey(owner)) {
                context.assignSplit(split, owner);
                assigned.add(split.key());
                it.remove();
                LOG.info("Reading stream {} from {} on reader {}", split.key(), split.lastId(), owner);
            }
        }
    }

    @Override
    public RedisStreamEnumeratorState snapshotState(long checkpointId) {
        // Streams being forgotten are still handed out: after a restore every reader is asked again.
        return new RedisStreamEnumeratorState(assigned, new ArrayList<>(pending.values()), forgetting.keySet());
    }

    /** A Redis glob ({@code *}, {@code ?}, {@code [...]}, {@code \} escapes) as a regular expression. */
    static Pattern globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '\\' -> {
                    if (i + 1 < glob.length()) {
                        re.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
                    }
                }
                case '[' -> {
                    int end = glob.indexOf(']', i + 1);
                    if (end < 0) {
                        re.append("\\[");
                    } else {
                        String set = glob.substring(i + 1, end);
                        re.append('[').append(set.startsWith("^") ? "^" + escapeSet(set.substring(1)) : escapeSet(set)).append(']');
                        i = end;
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    private static String escapeSet(String set) {
        StringBuilder s = new StringBuilder();
        for (char c : set.toCharArray()) {
            s.append(c == '-' ? "-" : Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c);
        }
        return s.toString();
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close();
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
