package io.github.eegstream.lsl;

/**
 * One sample as read from a stream feed.
 *
 * @param timestamp in the outlet's clock: transmitted, or deduced from the previous one
 * @param deduced true if the sample carried no timestamp of its own
 * @param values numeric values, one per channel (null for string streams)
 * @param strings string values, one per channel (null for numeric streams)
 */
public record LslSample(double timestamp, boolean deduced, double[] values, String[] strings) {}
