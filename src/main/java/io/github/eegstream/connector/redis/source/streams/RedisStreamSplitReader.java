package io.github.eegstream.connector.redis.source.streams;

import io.github.eegstream.connector.redis.LimitedValueCodec;
import io.github.eegstream.connector.redis.RedisClientFactory;
import io.lettuce.core.RedisClient;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import java.util.concurrent.TimeUnit;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads its streams with XREAD on the fetcher thread, blocking at most {@link #BLOCK} so that new
 * splits and shutdown are seen promptly. While Redis is unreachable it retries (and counts the
 * failures) rather than failing the job: the positions it holds make the retry exact.
 *
 * <p>One XREAD brings back at most {@link FetchLimits#entries()} entries and
 * {@link FetchLimits#bytes()} bytes in all: the entries are shared out over the streams (taking
 * turns when there are more streams than entries), and entries beyond the bytes are not copied
 * but read again next time, from the same position.
 *
 * <p>A stream trimmed past the reader's position (its retention ran out while the job was down or
 * behind) would read on quietly from its oldest entry left: so each stream is checked when a split
 * arrives with a position and every {@link #CHECK_INTERVAL} after, and a loss is passed on as a
 * {@link StreamEntry#lost} entry before the stream's next entries.
 */
final class RedisStreamSplitReader implements SplitReader<StreamEntry, RedisStreamSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamSplitReader.class);
    private static final Duration BLOCK = Duration.ofMillis(100);
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(30);
    /** Streams checked for trimming per fetch, so that a reader of many streams still reads between checks. */
    private static final int CHECKS_PER_FETCH = 64;

    private final RedisClient client;
    private final StatefulRedisConnection<byte[], LimitedValueCodec.Payload> connection;
    private final LimitedValueCodec codec;
    private final FetchLimits limits;
    /** The entry field read ({@link RedisStreamSource.Builder#setDataField}). */
    private final byte[] field;
    /** Where the next XREAD starts in the list of streams, when they take turns. */
    private int turn;
    /** A running average of entries' sizes, so that COUNT asks Redis for no more than the byte budget. */
    private double averageEntryBytes = 1024;
    private final Counter readErrors;
    /** Stream key to the id of the last entry fetched (ahead of what is emitted and checkpointed). */
    private final Map<String, String> positions = new LinkedHashMap<>();
    /** For the checks' XRANGEs: whole entries, decoded as text, not charged to the fetch budget. */
    private final StatefulRedisConnection<String, String> info;
    /** Streams to check for trimming past their position. */
    private final java.util.LinkedHashSet<String> toCheck = new java.util.LinkedHashSet<>();
    private long nextSweepNanos = System.nanoTime() + CHECK_INTERVAL.toNanos();
    /** Streams forgotten by the enumerator: their splits are reported finished. */
    private final java.util.Queue<String> letGo;

    RedisStreamSplitReader(RedisClientFactory endpoint, String clientName, FetchLimits limits, String dataField,
            Counter readErrors) {
        this(endpoint, clientName, limits, dataField, readErrors, new java.util.concurrent.ConcurrentLinkedQueue<>());
    }

    /** @param letGo streams whose splits this reader is to finish (filled by the source reader) */
    RedisStreamSplitReader(RedisClientFactory endpoint, String clientName, FetchLimits limits, String dataField,
            Counter readErrors, java.util.Queue<String> letGo) {
        this.letGo = letGo;
        this.field = dataField.getBytes(StandardCharsets.UTF_8);
        this.client = endpoint.createClient(clientName);
        this.codec = LimitedValueCodec.budgeted(limits.maxEntryBytes(), field);
        this.connection = client.connect(codec);
        this.info = client.connect();
        this.limits = limits;
        this.readErrors = readErrors;
    }

    @Override
    public RecordsWithSplitIds<StreamEntry> fetch() {
        RecordsBySplits.Builder<StreamEntry> records = new RecordsBySplits.Builder<>();
        if (!letGo.isEmpty()) {
            for (String key = letGo.poll(); key != null; key = letGo.poll()) {
                if (positions.remove(key) != null) {
                    records.addFinishedSplit(key);
                }
            }
            return records.build();
        }
        if (positions.isEmpty()) {
            sleep(BLOCK);
            return records.build();
        }
        if (System.nanoTime() - nextSweepNanos > 0) {
            nextSweepNanos = System.nanoTime() + CHECK_INTERVAL.toNanos();
            toCheck.clear();
            toCheck.addAll(positions.keySet());
        }
        if (!toCheck.isEmpty() && checkTrimming(records)) {
            return records.build(); // the losses first; reading goes on from past them
        }
        // A stream waiting for its check is not read until checked: read first, it would move past a gap.
        List<Map.Entry<String, String>> streams = new ArrayList<>(positions.size());
        for (Map.Entry<String, String> e : positions.entrySet()) {
            if (!toCheck.contains(e.getKey())) {
                streams.add(e);
            }
        }
        if (streams.isEmpty()) {
            return records.build();
        }
        int reading = Math.min(streams.size(), limits.entries());
        // Entries per stream: the entries shared out, and no more than the bytes let Redis send.
        long byBytes = Math.max(1, (long) (limits.bytes() / (reading * Math.max(64.0, averageEntryBytes))));
        int perStream = (int) Math.max(1, Math.min(limits.entries() / reading, byBytes));
        turn = turn % streams.size();
        @SuppressWarnings("unchecked")
        XReadArgs.StreamOffset<byte[]>[] offsets = new XReadArgs.StreamOffset[reading];
        for (int i = 0; i < reading; i++) {
            Map.Entry<String, String> e = streams.get((turn + i) % streams.size());
            offsets[i] = XReadArgs.StreamOffset.from(e.getKey().getBytes(StandardCharsets.UTF_8), e.getValue());
        }
        // Take turns at being first too: the first entry of a reply always fits the byte budget.
        turn += reading < streams.size() ? reading : 1;
        List<StreamMessage<byte[], LimitedValueCodec.Payload>> messages;
        try {
            codec.resetBudget(limits.bytes());
            // Block only when this read covers every stream: with streams taking turns, a turn of
            // idle ones must not hold up the busy ones.
            XReadArgs args = reading == streams.size() ? XReadArgs.Builder.block(BLOCK).count(perStream)
                    : XReadArgs.Builder.count(perStream);
            messages = connection.sync().xread(args, offsets);
        } catch (RedisException e) {
            readErrors.inc();
            if (io.github.eegstream.connector.redis.SampledLog.shouldLog(readErrors.getCount(), 10, 100)) {
                LOG.warn("Could not read streams (failure #{}); retrying: {}", readErrors.getCount(), e.toString());
            }
            sleep(Duration.ofMillis(500));
            return records.build();
        }
        Set<String> overBudget = new HashSet<>();
        for (StreamMessage<byte[], LimitedValueCodec.Payload> m : messages) {
            String key = new String(m.getStream(), StandardCharsets.UTF_8);
            LimitedValueCodec.Payload payload = payloadOf(m.getBody());
            if (overBudget.contains(key) || payload.overBudget()) {
                overBudget.add(key); // this one and the rest of its stream are read next time
                continue;
            }
            positions.put(key, m.getId());
            averageEntryBytes += (payload.length() - averageEntryBytes) / 64;
            records.add(key, new StreamEntry(key, m.getId(), payload.bytes(), payload.length(),
                    payload.tooLarge(limits.maxEntryBytes())));
        }
        return records.build();
    }

    /**
     * Checks some streams for entries trimmed past the position; true if any was (its loss is then
     * in {@code records}, and its position moved to just before the first entry left).
     *
     * <p>Trimming takes the oldest entries first: while the entry at the position is there, nothing
     * after it was trimmed. Once it is gone, the entries between it and the first one left are lost,
     * if there were any (a stream's ids do not say whether there were; a relay appends every few
     * milliseconds, so there nearly always were).
     */
    private boolean checkTrimming(RecordsBySplits.Builder<StreamEntry> records) {
        Map<String, RedisFuture<List<StreamMessage<String, String>>>> atPosition = new LinkedHashMap<>();
        Map<String, RedisFuture<List<StreamMessage<String, String>>>> first = new LinkedHashMap<>();
        for (var it = toCheck.iterator(); it.hasNext() && atPosition.size() < CHECKS_PER_FETCH; ) {
            String key = it.next();
            it.remove();
            String position = positions.get(key);
            if (position != null && !RedisStreamSplit.BEGINNING.equals(position)) {
                atPosition.put(key, info.async().xrange(key, Range.create(position, position), Limit.create(0, 1)));
                first.put(key, info.async().xrange(key, Range.unbounded(), Limit.create(0, 1)));
            }
        }
        boolean lost = false;
        for (String key : atPosition.keySet()) {
            List<StreamMessage<String, String>> here;
            List<StreamMessage<String, String>> oldest;
            try {
                here = atPosition.get(key).get(10, TimeUnit.SECONDS);
                oldest = first.get(key).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                toCheck.add(key); // Redis away: checked again, and not read before
                continue;
            }
            String position = positions.get(key);
            if (position == null || !here.isEmpty() || oldest.isEmpty()) {
                continue; // still there; or the stream is empty or gone (the enumerator forgets it)
            }
            String firstLeft = oldest.get(0).getId();
            String before;
            try {
                before = StreamIds.predecessor(firstLeft);
                if (StreamIds.compare(before, position) <= 0) {
                    continue; // nothing could lie between (a position moved here after a loss reported before)
                }
            } catch (NumberFormatException e) {
                continue; // not an id Redis makes: left alone
            }
            LOG.warn("Stream {} was trimmed past the last entry read ({}): the entries before {} were lost unread",
                    key, position, firstLeft);
            records.add(key, StreamEntry.lost(key, position, before, firstLeft));
            positions.put(key, before);
            lost = true;
        }
        return lost;
    }

    /** The entry's data field; an entry without one yields an empty payload, which is rejected. */
    private LimitedValueCodec.Payload payloadOf(Map<byte[], LimitedValueCodec.Payload> body) {
        LimitedValueCodec.Payload found = EMPTY;
        for (Map.Entry<byte[], LimitedValueCodec.Payload> field : body.entrySet()) {
            if (field.getValue().overBudget()) {
                return field.getValue(); // any field beyond the budget: read the entry again next time
            }
            if (Arrays.equals(field.getKey(), this.field)) {
                found = field.getValue();
            }
        }
        return found;
    }

    private static final LimitedValueCodec.Payload EMPTY = new LimitedValueCodec.Payload(new byte[0], 0, false);

    @Override
    public void handleSplitsChanges(SplitsChange<RedisStreamSplit> change) {
        if (change instanceof SplitsAddition<RedisStreamSplit> addition) {
            for (RedisStreamSplit split : addition.splits()) {
                // The same stream again (forgotten and found again): on from the further position.
                positions.put(split.key(), StreamIds.later(positions.get(split.key()), split.lastId()));
                toCheck.add(split.key()); // restored: trimmed while the job was down?
            }
        }
    }

    @Override
    public void wakeUp() {
        // fetch() blocks for at most BLOCK
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        info.close();
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
