package io.github.eegstream.connector.redis;

/**
 * The names of the connector's own metrics, beside Flink's standard ones ({@code numRecordsIn},
 * {@code numBytesIn}, {@code numRecordsInErrors}, {@code numRecordsSend}, {@code numBytesSend},
 * {@code numRecordsOutErrors}). Dashboards and alerts match these strings: they do not change.
 */
public final class RedisConnectorMetrics {

    private RedisConnectorMetrics() {}

    // --- pub/sub source reader (operator scope of the source) ---

    /** Counter: messages dropped because the reader's queue was full (the job could not keep up). */
    public static final String DROPPED_MESSAGES = "droppedMessages";
    /** Counter: messages dropped because their channel filled its share of the queue (a flood on one channel). */
    public static final String DROPPED_OVER_CHANNEL_SHARE = "droppedOverChannelShare";
    /** Counter: times the subscribed connection was lost (what was published meanwhile is lost). */
    public static final String DISCONNECTS = "disconnects";
    /** Gauge: messages queued for the task thread. */
    public static final String QUEUED_MESSAGES = "queuedMessages";
    /** Gauge: bytes queued for the task thread. */
    public static final String QUEUED_BYTES = "queuedBytes";
    /** Gauge: how long the last connection loss lasted, in milliseconds. */
    public static final String LAST_GAP_MILLIS = "lastGapMillis";
    /** Counter: messages of a class being handed over that another reader reads (not lost). */
    public static final String HANDOVER_SKIPPED = "handoverSkipped";
    /** Gauge: patterns (channel classes) this reader is subscribed to. */
    public static final String ASSIGNED_PATTERNS = "assignedPatterns";
    /** Gauge: channels this reader read a message of in the last report interval. */
    public static final String ACTIVE_CHANNELS = "activeChannels";
    /** Gauge: messages per second this reader read over the last report interval. */
    public static final String MESSAGES_PER_SECOND = "messagesPerSecond";

    // --- pub/sub source enumerator (the job manager's coordinator scope) ---

    /** Gauge: channel classes (patterns) the family is divided into. */
    public static final String CHANNEL_CLASSES = "channelClasses";
    /** Gauge: channels whose rates the enumerator knows. */
    public static final String CHANNELS_SEEN = "channelsSeen";
    /** Gauge: handovers completed since the enumerator started. */
    public static final String HANDOVERS_DONE = "handoversDone";

    // --- streams source reader ---

    /** Counter: XREADs that failed (Redis away); the reader retries from the same positions. */
    public static final String READ_ERRORS = "readErrors";
    /** Counter: times a stream was found trimmed past the reader's position (entries lost unread). */
    public static final String RETENTION_GAPS = "retentionGaps";
    /** Gauge: streams this reader reads. */
    public static final String READING_STREAMS = "readingStreams";

    // --- streams enumerator ---

    /** Gauge: streams handed out to readers (bounded by the streams that exist). */
    public static final String ASSIGNED_STREAMS = "assignedStreams";
    /** Counter: streams forgotten because they no longer exist. */
    public static final String FORGOTTEN_STREAMS = "forgottenStreams";

    // --- both sources ---

    /** Group of counters, one per reject reason ({@link RejectReasons}, or the deserializer's own). */
    public static final String REJECTED_GROUP = "rejected";

    // --- sink ---

    /** Counter: publications held back as duplicates by the publish-once function. */
    public static final String DUPLICATES_SKIPPED = "duplicatesSkipped";
}
