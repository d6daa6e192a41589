package io.github.eegstream.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A standalone Flink session cluster on this machine, as a Flink distribution's
 * {@code start-cluster.sh} runs one: a JobManager and N TaskManagers, each a JVM of its own
 * started from Flink's entry points with Flink's classpath only. Its directory holds the generated
 * {@code config.yaml}, a pid file and a log per process, and the checkpoints and savepoints.
 * A JobManager that dies is not replaced (that takes high availability, which this does not set
 * up); a TaskManager that dies is replaced by {@link #startTaskManager()}.
 */
public final class LocalCluster {

    private static final String HOST = "127.0.0.1";

    private final ClusterSettings settings;
    private final Path confDir;
    private final FlinkJvm jvm;
    private final FlinkRestClient rest;
    private final List<FlinkProcess> taskManagers = new ArrayList<>();
    private FlinkJvm.Resources taskManagerResources;
    private FlinkProcess jobManager;
    private int nextTaskManager = 1;

    private LocalCluster(ClusterSettings settings, Path confDir, FlinkJvm jvm, String restUrl) {
        this.settings = settings;
        this.confDir = confDir;
        this.jvm = jvm;
        this.rest = new FlinkRestClient(restUrl);
    }

    /**
     * Writes the cluster's configuration, starts the JobManager and the TaskManagers and returns
     * once the REST API shows every TaskManager registered. Stops what it started if that fails.
     */
    public static LocalCluster start(ClusterSettings settings, Duration timeout) throws IOException, InterruptedException {
        Path dir = settings.dir().toAbsolutePath();
        Optional<FlinkProcess> running = readPids(dir).stream().filter(p -> isOurs(p, dir)).findFirst();
        if (running.isPresent()) {
            throw new IllegalStateException("a cluster already runs from " + dir + " (" + running.get().name() + ", pid "
                    + running.get().pid() + "): stop it first (bin/eeg cluster stop --dir " + dir + ")");
        }
        int restPort = settings.restPort() == 0 ? freePort() : settings.restPort();
        int rpcPort = settings.rpcPort() == 0 ? freePort() : settings.rpcPort();
        for (int port : List.of(restPort, rpcPort)) {
            if (!isFree(port)) {
                throw new IllegalStateException("port " + port + " is in use (another Flink?): choose another (--port PORT)");
            }
        }
        FlinkJvm jvm = FlinkJvm.fromBuild();
        Path confDir = dir.resolve("conf");
        writeConfiguration(settings, dir, confDir, restPort, rpcPort);
        LocalCluster cluster = new LocalCluster(settings, confDir, jvm, "http://" + HOST + ":" + restPort);
        try {
            cluster.startJobManager();
            cluster.taskManagerResources = jvm.resources("GET_TM_RESOURCE_PARAMS", confDir);
            for (int i = 0; i < settings.taskManagers(); i++) {
                cluster.startTaskManager();
            }
            cluster.awaitTaskManagers(settings.taskManagers(), timeout);
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.stop(Duration.ofSeconds(5));
            throw e;
        }
    }

    private static void writeConfiguration(ClusterSettings s, Path dir, Path confDir, int restPort, int rpcPort)
            throws IOException {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", HOST);
        c.put("jobmanager.rpc.port", rpcPort);
        c.put("jobmanager.bind-host", HOST);
        c.put("jobmanager.memory.process.size", s.jobManagerMemory());
        c.put("taskmanager.host", HOST);
        c.put("taskmanager.bind-host", HOST);
        c.put("taskmanager.numberOfTaskSlots", s.slots());
        c.put("taskmanager.memory.process.size", s.taskManagerMemory());
        // The job keeps its state on the heap (hashmap backend): give the task heap what managed memory would take.
        c.put("taskmanager.memory.managed.fraction", 0.1);
        // Each TaskManager gets a share of the job: when one dies, the others already hold the job's
        // code and classes (a cold TaskManager spends seconds loading them), and they notice the loss at
        // once through their broken connections instead of waiting for heartbeats.
        c.put("taskmanager.load-balance.mode", "SLOTS");
        c.put("rest.port", restPort);
        c.put("rest.address", HOST);
        c.put("rest.bind-address", HOST);
        c.put("heartbeat.interval", s.heartbeatInterval().toMillis() + " ms");
        c.put("heartbeat.timeout", s.heartbeatTimeout().toMillis() + " ms");
        c.put("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
        c.put("execution.checkpointing.savepoint-dir", dir.resolve("savepoints").toUri().toString());
        c.put("io.tmp.dirs", dir.resolve("tmp").toString());
        c.put("web.upload.dir", dir.resolve("uploads").toString());
        // The web UI's and REST API's metrics every 2 s rather than 10 s: a local cluster is watched closely.
        c.put("metrics.fetcher.update-interval", "2 s");
        // How long the REST API serves a job's state from its cache (3 s by default).
        c.put("web.refresh-interval", "1 s");
        // Flink answers any web page's scripts by default (Access-Control-Allow-Origin: *): a page
        // the operator opens could then read the REST API and run an uploaded jar. Only the web
        // UI's own origin may read the answers.
        c.put("web.access-control-allow-origin", "http://" + HOST + ":" + restPort);
        c.put("web.submit.enable", true);
        c.put("web.cancel.enable", true);
        Files.createDirectories(dir.resolve("tmp"));
        Files.createDirectories(dir.resolve("uploads"));
        FlinkConfigFile.write(s.confDir().resolve("config.yaml"), c, confDir.resolve("config.yaml"));
        try (InputStream log4j = LocalCluster.class.getResourceAsStream("log4j-cluster.properties")) {
            Files.copy(log4j, confDir.resolve("log4j.properties"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void startJobManager() throws IOException, InterruptedException {
        FlinkJvm.Resources resources = jvm.resources("GET_JM_RESOURCE_PARAMS", confDir);
        Process p = jvm.start("jobmanager", FlinkJvm.JOB_MANAGER, confDir, resources, List.of(), logDir(),
                settings.workDir(), settings.detach());
        jobManager = record(new FlinkProcess("jobmanager", null, p.pid(), logDir().resolve("jobmanager.log")));
    }

    /** Starts one more TaskManager (ids {@code tm-1}, {@code tm-2}, ... in start order) and returns at once. */
    public synchronized FlinkProcess startTaskManager() throws IOException {
        int n = nextTaskManager++;
        String name = "taskmanager-" + n;
        String id = "tm-" + n;
        Process p = jvm.start(name, FlinkJvm.TASK_MANAGER, confDir, taskManagerResources,
                List.of("-D", "taskmanager.resource-id=" + id), logDir(), settings.workDir(), settings.detach());
        FlinkProcess tm = record(new FlinkProcess(name, id, p.pid(), logDir().resolve(name + ".log")));
        taskManagers.add(tm);
        return tm;
    }

    /** Waits until the REST API answers and shows at least {@code n} TaskManagers registered. */
    public void awaitTaskManagers(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!jobManager.isAlive()) {
                throw new IllegalStateException("the JobManager exited; see " + logDir().resolve("jobmanager.log")
                        + " and " + logDir().resolve("jobmanager.out"));
            }
            try {
                int registered = rest.get("/overview").path("taskmanagers").asInt();
                if (registered >= n) {
                    return;
                }
                last = registered + " of " + n + " TaskManagers registered";
            } catch (IllegalStateException notYet) {
                last = notYet.getMessage();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the cluster is not up after " + timeout.toSeconds() + " s (" + last + "); logs in "
                + logDir());
    }

    public String restUrl() {
        return rest.url();
    }

    public FlinkRestClient rest() {
        return rest;
    }

    public Path dir() {
        return settings.dir().toAbsolutePath();
    }

    public FlinkProcess jobManager() {
        return jobManager;
    }

    /** Every TaskManager started, alive or not, in start order. */
    public synchronized List<FlinkProcess> taskManagers() {
        return List.copyOf(taskManagers);
    }

    /** The TaskManager with this REST id ({@code tm-N}). */
    public synchronized FlinkProcess taskManager(String resourceId) {
        return taskManagers.stream().filter(t -> t.resourceId().equals(resourceId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no TaskManager " + resourceId + " in " + taskManagers));
    }

    /** Stops every process of the cluster: TaskManagers first, then the JobManager. */
    public void stop(Duration grace) throws InterruptedException {
        List<FlinkProcess> all = new ArrayList<>(taskManagers());
        if (jobManager != null) {
            all.add(jobManager);
        }
        stopAll(all, grace);
        for (FlinkProcess p : all) {
            try {
                Files.deleteIfExists(pidFile(dir(), p.name()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Stops the cluster that runs from {@code dir} (another process started it): SIGTERM, and
     * SIGKILL for any still running after {@code grace}. Returns what it stopped.
     */
    public static List<FlinkProcess> stop(Path dir, Duration grace) throws InterruptedException, IOException {
        List<FlinkProcess> found = readPids(dir.toAbsolutePath());
        List<FlinkProcess> alive = found.stream().filter(p -> isOurs(p, dir.toAbsolutePath())).toList();
        stopAll(alive, grace);
        for (FlinkProcess p : found) {
            Files.deleteIfExists(pidFile(dir.toAbsolutePath(), p.name()));
        }
        return alive;
    }

    private static void stopAll(List<FlinkProcess> processes, Duration grace) throws InterruptedException {
        // TERM to all at once, so their grace periods run side by side.
        processes.stream().filter(p -> !p.name().equals("jobmanager")).forEach(p -> p.handle().ifPresent(ProcessHandle::destroy));
        for (FlinkProcess p : processes) {
            if (!p.name().equals("jobmanager")) {
                p.stop(grace);
            }
        }
        for (FlinkProcess p : processes) {
            if (p.name().equals("jobmanager")) {
                p.stop(grace);
            }
        }
    }

    /** A pid from a pid file is this cluster's only if that process runs Flink with this cluster's config. */
    private static boolean isOurs(FlinkProcess p, Path dir) {
        return p.handle().filter(ProcessHandle::isAlive)
                .flatMap(h -> h.info().commandLine())
                .map(cmd -> cmd.contains(FlinkJvm.markerFor(dir.resolve("conf")) + " "))
                .orElse(false);
    }

    private FlinkProcess record(FlinkProcess p) throws IOException {
        Files.writeString(pidFile(dir(), p.name()), p.pid() + "\n", StandardCharsets.UTF_8);
        return p;
    }

    private Path logDir() {
        return dir().resolve("log");
    }

    private static Path pidFile(Path dir, String name) {
        return dir.resolve(name + ".pid");
    }

    private static List<FlinkProcess> readPids(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".pid")).sorted().map(f -> {
                String name = f.getFileName().toString().replace(".pid", "");
                try {
                    long pid = Long.parseLong(Files.readString(f).trim());
                    String id = name.startsWith("taskmanager-") ? "tm-" + name.substring("taskmanager-".length()) : null;
                    return new FlinkProcess(name, id, pid, dir.resolve("log").resolve(name + ".log"));
                } catch (IOException | NumberFormatException e) {
                    return null;
                }
            }).filter(java.util.Objects::nonNull).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True if nothing listens on {@code port} of the loopback address. */
    static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        }
    }
}
