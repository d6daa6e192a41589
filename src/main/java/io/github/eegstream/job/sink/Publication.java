package io.github.eegstream.job.sink;

/** A message to PUBLISH: a channel name and an encoded payload. */
public record Publication(String channel, byte[] payload) {}
