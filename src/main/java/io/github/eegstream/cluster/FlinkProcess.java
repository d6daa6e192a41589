package io.github.eegstream.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One JVM of a local cluster, the JobManager or a TaskManager, by its pid.
 *
 * @param name {@code jobmanager} or {@code taskmanager-N}, also the name of its pid and log files
 * @param resourceId the TaskManager's id in Flink's REST API and web UI ({@code taskmanager.resource-id}); null for the JobManager
 */
public record FlinkProcess(String name, String resourceId, long pid, Path log) {

    public Optional<ProcessHandle> handle() {
        return ProcessHandle.of(pid);
    }

    public boolean isAlive() {
        return handle().map(ProcessHandle::isAlive).orElse(false);
    }

    /** SIGKILL: the process ends at once, as in a crash or an OOM kill. */
    public void kill() {
        handle().ifPresent(ProcessHandle::destroyForcibly);
    }

    /** SIGTERM (Flink shuts down cleanly), then SIGKILL if it still runs after {@code grace}; waits until it is gone. */
    public void stop(Duration grace) throws InterruptedException {
        Optional<ProcessHandle> h = handle();
        if (h.isEmpty() || !h.get().isAlive()) {
            return;
        }
        h.get().destroy();
        if (!awaitExit(h.get(), grace)) {
            h.get().destroyForcibly();
            awaitExit(h.get(), Duration.ofSeconds(10));
        }
    }

    private static boolean awaitExit(ProcessHandle h, Duration timeout) throws InterruptedException {
        try {
            h.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return !h.isAlive();
        } catch (java.util.concurrent.ExecutionException e) {
            return !h.isAlive();
        }
    }
}
