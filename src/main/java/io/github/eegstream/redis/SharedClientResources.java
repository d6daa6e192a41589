package io.github.eegstream.redis;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one set of Lettuce {@link ClientResources} (event loops, timers) that every Redis client of
 * this process shares, as Lettuce's documentation advises: created with the first client, and
 * shut down when the last client holding them has been shut down (so that a Flink job's threads
 * end with the job, instead of outliving its class loader). A client never shuts them down itself.
 *
 * <p>A lost connection is retried every 10 ms to 1 s: Lettuce's default backs off to 30 s, which
 * would keep a relay waiting long after Redis is back.
 */
final class SharedClientResources {

    /**
     * I/O threads (each started only when a connection is first given to it): every client used to
     * have Lettuce's default of one per core (at least 2) of its own, and a process of many clients,
     * a TaskManager's or a test's, kept up with its connections on a busy machine only with as many.
     */
    static final int IO_THREADS = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());

    private static ClientResources resources;
    private static int holders;

    private SharedClientResources() {}

    /** The shared resources, for one more client; give them back with {@link #release}. */
    static synchronized ClientResources acquire() {
        if (holders++ == 0) {
            resources = DefaultClientResources.builder()
                    .ioThreadPoolSize(IO_THREADS)
                    .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                    .build();
        }
        return resources;
    }

    /** One client is done with them; the last one to be done shuts them down. */
    static CompletableFuture<Void> release(long quietPeriod, long timeout, TimeUnit unit) {
        ClientResources last;
        synchronized (SharedClientResources.class) {
            if (holders == 0) {
                throw new IllegalStateException("the shared Redis client resources were released more often than acquired");
            }
            if (--holders > 0) {
                return CompletableFuture.completedFuture(null);
            }
            last = resources;
            resources = null;
        }
        CompletableFuture<Void> released = new CompletableFuture<>();
        last.shutdown(quietPeriod, timeout, unit).addListener(f -> released.complete(null));
        return released;
    }

    /** How many clients hold the resources now (for tests). */
    static synchronized int holders() {
        return holders;
    }
}
