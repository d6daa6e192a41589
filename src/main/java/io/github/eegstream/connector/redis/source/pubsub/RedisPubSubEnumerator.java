package io.github.eegstream.connector.redis.source.pubsub;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import io.github.eegstream.connector.redis.RedisConnectorMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares a channel family's messages over the readers by load, whatever the channel names look
 * like. The family is partitioned into {@link ChannelClass}es, one Redis pattern each, and every
 * class is read by one reader, so every message is delivered once and a new channel's first
 * message is read by the reader of its class. Readers report each channel's messages every
 * {@value #PLAN_MILLIS} ms; when the busiest reader carries more than {@link Rebalancer#TRIGGER}
 * times the mean, busy classes are cut finer and moved ({@link Rebalancer}).
 *
 * <p>A move of class X from reader A to classes Y on readers B (A itself for a cut) loses and
 * repeats nothing: each B subscribes to its Y but drops their messages; once all have, A
 * publishes a marker on the source's handover channel, which every reader also subscribes to.
 * Redis delivers messages to every subscriber in the one order it runs PUBLISHes in, so A reads X
 * up to the marker and the Bs read Y after it.
 *
 * <p>The classes, their readers and the channels' rates are checkpointed, so a restore, at this
 * parallelism or another, starts balanced. Readers checkpoint nothing (pub/sub has no position to
 * resume from): a reader that registers (at start, after a failover or a restore) is told its
 * classes by an {@link HandoverEvent.Assign}. No splits are used.
 */
public final class RedisPubSubEnumerator implements SplitEnumerator<RedisPubSubSplit, RedisPubSubEnumeratorState> {

    private static final Logger LOG = LoggerFactory.getLogger(RedisPubSubEnumerator.class);
    /** How often readers report load and the enumerator plans. */
    static final long PLAN_MILLIS = 2_000;
    /** A move not done by then is called off (or, once its marker is out, taken as done). */
    static final long MOVE_TIMEOUT_MILLIS = 30_000;
    /** A reader not reported for this long has read nothing since: its last report is forgotten. */
    static final long FORGET_MILLIS = 15_000;
    /** No plan for this long after a move: two reports' time, so they cover only the time since. */
    static final long COOLDOWN_MILLIS = 2 * PLAN_MILLIS + 500;
    /** Channels whose rates are kept; more (garbage names, say) are not counted. */
    static final int MAX_CHANNELS = 50_000;

    private final SplitEnumeratorContext<RedisPubSubSplit> context;
    private final ChannelClass root;
    private final int maxClasses;
    private final Map<ChannelClass, Integer> owners;
    /**
     * Each reader's last report: messages per second of each channel it read. A report replaces
     * the reader's previous one, so a channel it no longer reads (moved, or gone quiet) drops out,
     * and a channel moved meanwhile is the sum of its old and new reader's shares.
     */
    private final Map<Integer, Report> reports = new HashMap<>();
    private int channelsSeen;
    private long lastCommitMillis;

    /** A reader's last report, or the rates restored from a checkpoint (reader -1, until all report). */
    private record Report(Map<String, Double> rates, long atMillis) {}
    private final Map<Long, PendingMove> moves = new HashMap<>();
    private final SecureRandom random = new SecureRandom();
    private long movesDone;

    private static final class PendingMove {
        final long token;
        final Rebalancer.Move move;
        final Set<Integer> awaiting = new HashSet<>();
        final long startedMillis = System.currentTimeMillis();
        boolean released;

        PendingMove(long token, Rebalancer.Move move) {
            this.token = token;
            this.move = move;
        }
    }

    RedisPubSubEnumerator(SplitEnumeratorContext<RedisPubSubSplit> context, ChannelClass root, int maxClasses,
            RedisPubSubEnumeratorState restored) {
        this.context = context;
        this.root = root;
        this.maxClasses = maxClasses;
        int readers = context.currentParallelism();
        long now = System.currentTimeMillis();
        boolean sameFamily = restored != null && !restored.owners().isEmpty() && restored.owners().keySet().stream()
                .allMatch(c -> c.prefix().equals(root.prefix()) && c.suffix().equals(root.suffix()));
        if (sameFamily) {
            reports.put(-1, new Report(restored.rates(), now));
            // Readers of a larger parallelism are gone: deal their classes again, by the rates.
            this.owners = new LinkedHashMap<>(Rebalancer.plan(restored.owners(), rates(), readers, maxClasses).owners());
        } else {
            this.owners = new LinkedHashMap<>();
            List<ChannelClass> initial = ChannelClass.initial(root.prefix(), root.suffix(), readers);
            for (int i = 0; i < initial.size(); i++) {
                owners.put(initial.get(i), i % readers);
            }
        }
        context.metricGroup().gauge(RedisConnectorMetrics.CHANNEL_CLASSES, () -> owners.size());
        context.metricGroup().gauge(RedisConnectorMetrics.CHANNELS_SEEN, () -> channelsSeen);
        context.metricGroup().gauge(RedisConnectorMetrics.HANDOVERS_DONE, () -> movesDone);
    }

    @Override
    public void start() {
        context.callAsync(() -> null, (ignored, error) -> tick(), PLAN_MILLIS, PLAN_MILLIS);
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        // Classes are assigned by events; readers never ask.
    }

    @Override
    public void addSplitsBack(List<RedisPubSubSplit> returned, int subtaskId) {
        // No splits are assigned.
    }

    @Override
    public void addReader(int subtaskId) {
        // A reader that registers again lost whatever it was doing: settle the moves in flight first.
        for (Iterator<PendingMove> it = moves.values().iterator(); it.hasNext(); ) {
            PendingMove m = it.next();
            it.remove();
            if (m.released) {
                commit(m, subtaskId == m.move.owner()); // the owner starting afresh has stopped reading
            } else {
                abort(m, subtaskId);
            }
        }
        List<String> patterns = new ArrayList<>();
        owners.forEach((c, r) -> {
            if (r == subtaskId) {
                patterns.add(c.pattern());
            }
        });
        LOG.info("Reader {} reads {} channel classes: {}", subtaskId, patterns.size(), patterns);
        send(subtaskId, new HandoverEvent.Assign(patterns));
    }

    /** Sends to a registered reader; one that is not (failing over) learns its classes when it registers. */
    private void send(int reader, HandoverEvent event) {
        if (context.registeredReaders().containsKey(reader)) {
            context.sendEventToSourceReader(reader, event);
        }
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent event) {
        try {
            handle(subtaskId, event);
        } catch (RuntimeException e) {
            // Balancing is an optimisation: a failure here must not fail the job.
            LOG.warn("Could not handle {} from reader {}", event.getClass().getSimpleName(), subtaskId, e);
        }
    }

    private void handle(int subtaskId, SourceEvent event) {
        if (event instanceof HandoverEvent.Load load) {
            record(subtaskId, load);
        } else if (event instanceof HandoverEvent.Subscribed s) {
            PendingMove m = moves.get(s.token());
            if (m != null && m.awaiting.remove(subtaskId) && m.awaiting.isEmpty() && !m.released) {
                if (!context.registeredReaders().containsKey(m.move.owner())) {
                    moves.remove(s.token()); // the owner is failing over: it gets X again when it registers
                    abort(m, -1);
                    return;
                }
                m.released = true;
                send(m.move.owner(), new HandoverEvent.Release(s.token(), m.move.from().pattern()));
            }
        } else if (event instanceof HandoverEvent.Released r) {
            PendingMove m = moves.get(r.token());
            if (m != null && subtaskId == m.move.owner()) {
                moves.remove(r.token());
                commit(m, false);
            }
        }
    }

    private void record(int reader, HandoverEvent.Load load) {
        double seconds = Math.max(load.millis(), 1) / 1000.0;
        Map<String, Double> rates = new HashMap<>();
        load.messages().entrySet().stream().limit(RedisPubSubSourceReader.MAX_REPORTED_CHANNELS)
                .forEach(e -> rates.put(e.getKey(), e.getValue() / seconds));
        reports.put(reader, new Report(rates, System.currentTimeMillis()));
        if (reports.containsKey(-1) && reports.size() > context.currentParallelism()) {
            reports.remove(-1); // every reader has reported: the restored rates are superseded
        }
    }

    /** Every {@link #PLAN_MILLIS}: forget quiet channels, time out moves, and plan when all is settled. */
    private void tick() {
        try {
            plan();
        } catch (RuntimeException e) {
            LOG.warn("Could not plan the source's balance", e);
        }
    }

    private void plan() {
        long now = System.currentTimeMillis();
        // A reader that stopped reporting has read nothing since (or is gone).
        reports.entrySet().removeIf(e -> e.getKey() >= 0 && now - e.getValue().atMillis() > FORGET_MILLIS);
        for (Iterator<PendingMove> it = moves.values().iterator(); it.hasNext(); ) {
            PendingMove m = it.next();
            if (m.released && !context.registeredReaders().containsKey(m.move.owner())) {
                it.remove(); // the owner is gone: it reads X no more, so the new readers start
                commit(m, true);
            } else if (!m.released && now - m.startedMillis > MOVE_TIMEOUT_MILLIS) {
                it.remove(); // no reader reads the new parts yet: calling it off loses nothing
                LOG.warn("The move of {} from reader {} was not ready within {} ms: called off", m.move.from(),
                        m.move.owner(), MOVE_TIMEOUT_MILLIS);
                abort(m, -1);
            }
            // A released move waits for its owner's marker, however long: the owner reads X
            // until the marker, and the new readers start after it, so neither may guess.
        }
        int readers = context.currentParallelism();
        Map<String, Double> rates = rates();
        channelsSeen = rates.size();
        // After a move, wait until the readers' reports cover only the time since, so the plan
        // sees each class at its new reader rather than half at each (no moving back and forth).
        // Restored rates stand in until every reader has reported: planning with both would count twice.
        if (!moves.isEmpty() || context.registeredReaders().size() < readers || now - lastCommitMillis < COOLDOWN_MILLIS
                || reports.containsKey(-1)) {
            return;
        }
        Rebalancer.Plan plan = Rebalancer.plan(owners, rates, readers, maxClasses);
        for (Rebalancer.Move move : plan.moves()) {
            long token = random.nextLong() & Long.MAX_VALUE | 1; // non-zero
            PendingMove m = new PendingMove(token, move);
            Map<Integer, List<String>> byReader = byReader(move);
            m.awaiting.addAll(byReader.keySet());
            moves.put(token, m);
            LOG.info("Moving {} from reader {} to {}", move.from(), move.owner(), move.to());
            byReader.forEach((r, patterns) -> send(r, new HandoverEvent.Subscribe(token, patterns)));
        }
    }

    private static Map<Integer, List<String>> byReader(Rebalancer.Move move) {
        Map<Integer, List<String>> out = new LinkedHashMap<>();
        move.to().forEach((c, r) -> out.computeIfAbsent(r, k -> new ArrayList<>()).add(c.pattern()));
        return out;
    }

    /**
     * The move is done: its owner stopped at the marker. The new readers start at the marker
     * too; one whose connection had a gap (and so may have lost it) starts now, and all do with
     * {@code force} (the owner is gone, and never published or saw it).
     */
    private void commit(PendingMove m, boolean force) {
        owners.remove(m.move.from());
        owners.putAll(m.move.to());
        movesDone++;
        lastCommitMillis = System.currentTimeMillis();
        byReader(m.move).keySet().forEach(r -> send(r, new HandoverEvent.Start(m.token, force)));
    }

    /** Tells the move's readers (except {@code skip}, which starts afresh) to drop what they subscribed for it. */
    private void abort(PendingMove m, int skip) {
        Set<Integer> registered = context.registeredReaders().keySet();
        byReader(m.move).forEach((r, patterns) -> {
            if (r != skip && registered.contains(r)) {
                send(r, new HandoverEvent.Abort(m.token, patterns));
            }
        });
    }

    /** Every channel's messages per second: the sum of what each reader last reported of it. */
    private Map<String, Double> rates() {
        Map<String, Double> out = new HashMap<>();
        for (Report r : reports.values()) {
            r.rates().forEach((channel, rate) -> {
                if (out.size() < MAX_CHANNELS || out.containsKey(channel)) {
                    out.merge(channel, rate, Double::sum);
                }
            });
        }
        return out;
    }

    @Override
    public RedisPubSubEnumeratorState snapshotState(long checkpointId) {
        return new RedisPubSubEnumeratorState(owners, rates());
    }

    @Override
    public void close() {}
}
