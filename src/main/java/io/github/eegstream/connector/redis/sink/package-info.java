/**
 * A Sink V2 that PUBLISHes to Redis with pipelined Lettuce writes: commands are written in
 * batches, flushed when a batch is full, after a short interval, and at every checkpoint (where
 * the writer also waits for Redis to acknowledge them: at-least-once up to that checkpoint).
 */
package io.github.eegstream.connector.redis.sink;
