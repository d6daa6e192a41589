package io.github.eegstream.relay;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The relay's messages that Redis has not yet acknowledged, oldest first. A message leaves only
 * when Redis has accepted it; a failed send puts it back in line to be sent again, in order. The
 * backlog holds at most {@code capacitySeconds} of samples (by their own timestamps): beyond that
 * the oldest unsent messages are dropped and counted.
 */
final class Backlog {

    /**
     * One encoded message and the sends of it in flight (none while unsent). In durable mode it
     * has its stream entry id from the start, so appending it again after an outage is refused
     * by Redis rather than stored twice.
     */
    static final class Entry {
        final byte[] payload;
        final int samples;
        final double lastTimestamp;
        /** The stream entry id it is appended with ({@code <ms>-<seq>}), or null to let Redis choose. */
        String streamId;
        private Future<?>[] sends;
        private boolean counted;

        Entry(byte[] payload, int samples, double lastTimestamp) {
            this.payload = payload;
            this.samples = samples;
            this.lastTimestamp = lastTimestamp;
        }

        boolean unsent() {
            return sends == null;
        }

        void sent(Future<?>... futures) {
            sends = futures;
        }
    }

    /** What Redis answers an XADD whose id is not above the stream's last: the entry is there already. */
    static final String NOT_ABOVE_TOP = "equal or smaller than the target stream top item";

    /**
     * Acknowledged messages kept to send again after an outage, in seconds: Redis acknowledges a
     * PUBLISH before its subscribers surely have it (and an append before its AOF has it on disk),
     * so the last ones before a crash may never arrive. The job drops the repeats by timestamp;
     * a durable stream refuses them by id.
     */
    private final double resendSeconds;

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final ArrayDeque<Entry> recent = new ArrayDeque<>();
    private final double capacitySeconds;
    private long samplesHeld;
    private long samplesDropped;

    /**
     * Whether the stream holds an entry of this id, or has trimmed past it (null: cannot tell
     * now); asked only when Redis refuses an append.
     */
    interface StreamCheck {
        Boolean holdsOrTrimmed(String id);
    }

    private final StreamCheck streamCheck;
    private long appendedOutOfOrder;

    Backlog(double capacitySeconds, double resendSeconds, StreamCheck streamCheck) {
        this.capacitySeconds = capacitySeconds;
        this.resendSeconds = resendSeconds;
        this.streamCheck = streamCheck;
    }

    /** Appends Redis refused for an id it had gone past without holding it: appended again, at the end. */
    long appendedOutOfOrder() {
        return appendedOutOfOrder;
    }

    /** Queues a message; returns the samples dropped to keep within capacity. */
    long add(Entry entry) {
        entries.addLast(entry);
        samplesHeld += entry.samples;
        long dropped = 0;
        double oldestKept = entry.lastTimestamp - capacitySeconds;
        Iterator<Entry> it = entries.iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (e.lastTimestamp >= oldestKept) {
                break;
            }
            if (e.unsent()) { // a message in flight may yet arrive: keep it
                it.remove();
                samplesHeld -= e.samples;
                dropped += e.samples;
            }
        }
        samplesDropped += dropped;
        return dropped;
    }

    /**
     * Removes the acknowledged messages at the head and puts failed ones back in line.
     *
     * @return the samples acknowledged
     * @throws RefusedException if Redis refused a message for lack of permission
     */
    long settle() {
        long acknowledged = 0;
        boolean head = true;
        Iterator<Entry> it = entries.iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (e.unsent()) {
                head = false;
                continue;
            }
            Boolean outcome = outcome(e);
            if (outcome == null) {
                head = false;
            } else if (!outcome) {
                e.sends = null;
                head = false;
            } else if (head) {
                it.remove();
                samplesHeld -= e.samples;
                if (!e.counted) {
                    e.counted = true;
                    acknowledged += e.samples;
                }
                recent.addLast(e);
                while (recent.peekFirst().lastTimestamp < e.lastTimestamp - resendSeconds) {
                    recent.removeFirst();
                }
            }
        }
        return acknowledged;
    }

    /**
     * After an outage: puts the last second of acknowledged messages back in line, ahead of the
     * rest, and marks those in flight as unsent. Lettuce re-sends in-flight commands as soon as it
     * has reconnected, possibly before subscribers have subscribed again, so they are sent again
     * once they have.
     */
    void resendAfterOutage() {
        for (Entry e : entries) {
            e.sends = null;
        }
        while (!recent.isEmpty()) {
            Entry e = recent.removeLast();
            e.sends = null;
            entries.addFirst(e);
            samplesHeld += e.samples;
        }
    }

    /**
     * True if accepted, false if it failed (to be sent again), null while in flight. An append
     * refused because its id is not above the stream's last is looked up: if the stream holds it
     * (sent before, kept, or replayed by the client after a reconnect) or has trimmed past it, it
     * is delivered; if not (Redis lost it but kept later ones, or the clock went back, or another
     * relay appended), it is sent again with an id Redis chooses: at the end, but not lost.
     */
    private Boolean outcome(Entry e) {
        for (Future<?> f : e.sends) {
            if (!f.isDone()) {
                return null;
            }
        }
        for (Future<?> f : e.sends) {
            try {
                f.get();
            } catch (ExecutionException failure) {
                Throwable cause = failure.getCause();
                String message = cause == null ? null : cause.getMessage();
                if (message != null && message.startsWith("NOPERM")) {
                    throw new RefusedException(message);
                }
                if (message != null && message.contains(NOT_ABOVE_TOP) && e.streamId != null) {
                    Boolean there = streamCheck.holdsOrTrimmed(e.streamId);
                    if (Boolean.TRUE.equals(there)) {
                        continue; // there already: not again
                    }
                    if (there != null) {
                        e.streamId = null;
                        appendedOutOfOrder++;
                    }
                }
                return false;
            } catch (InterruptedException | java.util.concurrent.CancellationException failure) {
                return false;
            }
        }
        return true;
    }

    /** The messages waiting to be sent, oldest first. */
    Iterable<Entry> unsent() {
        return () -> entries.stream().filter(Entry::unsent).iterator();
    }

    /** The timestamp of the newest sample held, or NaN if none. */
    double newestTimestamp() {
        return entries.isEmpty() ? Double.NaN : entries.peekLast().lastTimestamp;
    }

    /** True if every sample up to {@code timestamp} has been acknowledged. */
    boolean acknowledgedThrough(double timestamp) {
        return entries.isEmpty() || entries.peekFirst().lastTimestamp > timestamp;
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    long samplesHeld() {
        return samplesHeld;
    }

    long samplesDropped() {
        return samplesDropped;
    }

    /** Redis refused an operation for lack of permission: retrying cannot help. */
    static final class RefusedException extends RuntimeException {
        RefusedException(String message) {
            super(message);
        }
    }
}
