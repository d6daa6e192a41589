package io.github.eegstream.connector.redis.source.streams;

/**
 * One entry read from a Redis Stream: its key, its id and the wire message it carries.
 *
 * @param length the message's size in Redis; if {@code tooLarge}, {@code payload} is only its prefix
 */
record StreamEntry(String key, String id, byte[] payload, int length, boolean tooLarge) {}
