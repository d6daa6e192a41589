package io.github.eegstream.job.source;

/** One entry read from a Redis Stream: its key, its id and the wire message it carries. */
record StreamEntry(String key, String id, byte[] payload) {}
