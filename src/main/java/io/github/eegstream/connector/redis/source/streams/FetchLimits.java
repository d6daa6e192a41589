package io.github.eegstream.connector.redis.source.streams;

import java.io.Serializable;

/**
 * What one XREAD of a streams reader may bring back, across all its streams.
 *
 * @param entries entries in all
 * @param bytes bytes of entries in all; the first entry is always taken, so progress never stops
 * @param maxEntryBytes a larger entry is rejected without being copied
 */
record FetchLimits(int entries, long bytes, int maxEntryBytes) implements Serializable {}
