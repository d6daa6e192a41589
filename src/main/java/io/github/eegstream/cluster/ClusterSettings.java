package io.github.eegstream.cluster;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to run a local standalone Flink cluster.
 *
 * @param dir the cluster's own directory: generated config.yaml, pid files, logs, checkpoints, savepoints
 * @param confDir the project's Flink configuration the cluster's is based on ({@code conf/}); its
 *     config.yaml may be absent
 * @param workDir the processes' working directory (relative paths in job specs resolve against it)
 * @param restPort the web UI's and REST API's port; 0 picks a free one
 * @param rpcPort the JobManager's RPC port; 0 picks a free one
 * @param heartbeatInterval how often the JobManager and TaskManagers check each other; a killed
 *     TaskManager is noticed after a few missed heartbeats (Flink's default, 10 s, makes that most
 *     of a minute)
 * @param detach start the processes in a session of their own, so they outlive the terminal
 */
public record ClusterSettings(Path dir, Path confDir, Path workDir, int taskManagers, int slots, int restPort,
        int rpcPort, String jobManagerMemory, String taskManagerMemory, Duration heartbeatInterval,
        Duration heartbeatTimeout, boolean detach) {

    public ClusterSettings {
        if (taskManagers < 0) {
            throw new IllegalArgumentException("the number of TaskManagers cannot be negative, was " + taskManagers);
        }
        if (slots < 1) {
            throw new IllegalArgumentException("a TaskManager needs at least one slot, was " + slots);
        }
        if (restPort < 0 || restPort > 65535 || rpcPort < 0 || rpcPort > 65535) {
            throw new IllegalArgumentException("ports are 0 (any free one) to 65535, were " + restPort + " and " + rpcPort);
        }
    }

    /**
     * One TaskManager of two slots, the web UI on 8081; small processes (1 GB JobManager, 1.2 GB per
     * TaskManager), heartbeats every second.
     */
    public static ClusterSettings defaults(Path dir) {
        return new ClusterSettings(dir, Path.of(System.getProperty("eegstream.conf", "conf")), Path.of("").toAbsolutePath(),
                1, 2, 8081, 0, "1g", "1200m", Duration.ofSeconds(1), Duration.ofSeconds(10), false);
    }

    public ClusterSettings withTaskManagers(int n, int slotsEach) {
        return new ClusterSettings(dir, confDir, workDir, n, slotsEach, restPort, rpcPort, jobManagerMemory,
                taskManagerMemory, heartbeatInterval, heartbeatTimeout, detach);
    }

    public ClusterSettings withPorts(int rest, int rpc) {
        return new ClusterSettings(dir, confDir, workDir, taskManagers, slots, rest, rpc, jobManagerMemory,
                taskManagerMemory, heartbeatInterval, heartbeatTimeout, detach);
    }

    public ClusterSettings withWorkDir(Path work) {
        return new ClusterSettings(dir, confDir, work, taskManagers, slots, restPort, rpcPort, jobManagerMemory,
                taskManagerMemory, heartbeatInterval, heartbeatTimeout, detach);
    }

    public ClusterSettings detached(boolean detachProcesses) {
        return new ClusterSettings(dir, confDir, workDir, taskManagers, slots, restPort, rpcPort, jobManagerMemory,
                taskManagerMemory, heartbeatInterval, heartbeatTimeout, detachProcesses);
    }
}
