package io.github.eegstream.cli;

import io.github.eegstream.cluster.ClusterSettings;
import io.github.eegstream.cluster.FlinkProcess;
import io.github.eegstream.cluster.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eeg cluster start|stop}: a standalone Flink cluster on this machine, in processes of its own. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"A standalone Flink session cluster on this machine: a JobManager and TaskManagers, each a JVM "
                + "of its own, with the Flink web UI. Submit the job to it with: eeg submit --cluster URL."},
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class})
final class ClusterCommand {

    /** Where a cluster keeps its config, pids and logs unless --dir says otherwise. */
    static Path defaultDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "eegstream-cluster");
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Starts the JobManager and the TaskManagers and returns once all are registered.")
    static final class Start implements Callable<Integer> {

        @Option(names = "--taskmanagers", defaultValue = "1", paramLabel = "N", description = "TaskManagers. Default: ${DEFAULT-VALUE}.")
        int taskManagers;

        @Option(names = "--slots", defaultValue = "2", paramLabel = "S", description = "Task slots per TaskManager. Default: ${DEFAULT-VALUE}.")
        int slots;

        @Option(names = "--port", defaultValue = "8081", paramLabel = "PORT",
                description = "Port of the web UI and REST API; 0 for any free port. Default: ${DEFAULT-VALUE}.")
        int port;

        @Option(names = "--dir", paramLabel = "DIR",
                description = "The cluster's directory: config.yaml, pid files, log/, checkpoints/, savepoints/. Default: ${java.io.tmpdir}/eegstream-cluster.")
        Path dir;

        @Option(names = "--taskmanager-memory", defaultValue = "1200m", paramLabel = "SIZE",
                description = "Process size of each TaskManager. Default: ${DEFAULT-VALUE}.")
        String taskManagerMemory;

        @Override
        public Integer call() throws Exception {
            Path d = dir != null ? dir : defaultDir();
            ClusterSettings defaults = ClusterSettings.defaults(d);
            ClusterSettings settings = new ClusterSettings(d, defaults.confDir(),
                    Path.of(System.getProperty("eegstream.home", ".")).toAbsolutePath(), taskManagers, slots, port, 0,
                    defaults.jobManagerMemory(), taskManagerMemory, defaults.heartbeatInterval(), defaults.heartbeatTimeout(), true);
            Screen.println("Starting a Flink cluster: a JobManager and " + taskManagers + " TaskManager"
                    + (taskManagers == 1 ? "" : "s") + " of " + slots + " slots, in " + d.toAbsolutePath());
            long t0 = System.nanoTime();
            LocalCluster cluster = LocalCluster.start(settings, Duration.ofSeconds(90));
            Screen.println(String.format(java.util.Locale.ROOT, "Cluster up in %.1f s: JobManager pid %d, TaskManagers %s",
                    (System.nanoTime() - t0) / 1e9, cluster.jobManager().pid(),
                    cluster.taskManagers().stream().map(t -> t.resourceId() + " pid " + t.pid()).toList()));
            Screen.println("Flink web UI: " + cluster.restUrl());
            Screen.println("Submit the job: bin/eeg submit --cluster " + cluster.restUrl() + " [--parallelism P]");
            Screen.println("Logs: " + cluster.dir().resolve("log") + "   Stop: bin/eeg cluster stop"
                    + (dir == null ? "" : " --dir " + d));
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stops the cluster's processes: SIGTERM, then SIGKILL for any still running after the grace period.")
    static final class Stop implements Callable<Integer> {

        @Option(names = "--dir", paramLabel = "DIR", description = "The cluster's directory, as given to start.")
        Path dir;

        @Option(names = "--grace", defaultValue = "10", paramLabel = "SECONDS",
                description = "How long each process may take to shut down before it is killed. Default: ${DEFAULT-VALUE}.")
        long grace;

        @Override
        public Integer call() throws Exception {
            Path d = dir != null ? dir : defaultDir();
            List<FlinkProcess> stopped = LocalCluster.stop(d, Duration.ofSeconds(grace));
            if (stopped.isEmpty()) {
                Screen.println("No cluster runs from " + d.toAbsolutePath());
            } else {
                Screen.println("Stopped " + stopped.stream().map(p -> p.name() + " (pid " + p.pid() + ")").toList());
            }
            return 0;
        }
    }
}
