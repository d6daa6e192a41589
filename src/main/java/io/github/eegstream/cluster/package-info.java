/**
 * A Flink cluster from the outside: a standalone session cluster started on this machine from
 * Flink's own entry points ({@link io.github.eegstream.cluster.LocalCluster}), and Flink's REST
 * API as {@code flink run} and the web UI use it ({@link io.github.eegstream.cluster.FlinkRestClient}).
 * Uses no Flink classes itself: the cluster runs in JVMs of its own, on Flink's classpath only.
 */
package io.github.eegstream.cluster;
