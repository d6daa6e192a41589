package io.github.eegstream.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Flink's REST API, as {@code flink run}, {@code flink stop} and the web UI use it: upload and run
 * a job jar, follow a job until it runs, stop it with a savepoint, and read where its subtasks run
 * and what they count. Works against any Flink 2.x cluster.
 */
public final class FlinkRestClient {

    /** The states in which a job will not run again by itself. */
    private static final List<String> TERMINAL = List.of("FAILED", "CANCELED", "FINISHED", "SUSPENDED");

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    /** @param url the cluster's REST address, as the web UI's, e.g. {@code http://127.0.0.1:8081} */
    public FlinkRestClient(String url) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.base = u.contains("://") ? u : "http://" + u;
        URI.create(base); // fails early on a malformed URL
    }

    public String url() {
        return base;
    }

    /** GET {@code path} (e.g. {@code /overview}) as JSON. */
    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    /** POST {@code body} as JSON to {@code path}. */
    public JsonNode post(String path, Object body) {
        try {
            return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the request to " + path + " as JSON", e);
        }
    }

    /** The Flink version the cluster runs. */
    public String flinkVersion() {
        return get("/config").path("flink-version").asText();
    }

    /** Uploads a job jar as the web UI's "Submit New Job" does; returns its id on the cluster. */
    public String uploadJar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no job jar at " + jar + " (build it with ./mvnw -DskipTests package)");
        }
        String boundary = "eegstream-" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher body;
        try { // streamed from the file: a job jar is large and this may run with a small heap
            body = HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                    HttpRequest.BodyPublishers.ofFile(jar), HttpRequest.BodyPublishers.ofByteArray(tail));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + jar + ": " + e.getMessage(), e);
        }
        JsonNode response = send(HttpRequest.newBuilder(uri("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(body));
        String file = response.path("filename").asText();
        if (file.isEmpty()) {
            throw new IllegalStateException("the cluster at " + base + " did not accept the jar: " + response);
        }
        return Path.of(file).getFileName().toString();
    }

    /** Deletes an uploaded jar (a running job keeps its own copy). */
    public void deleteJar(String jarId) {
        send(HttpRequest.newBuilder(uri("/jars/" + jarId)).DELETE());
    }

    /**
     * Runs an uploaded jar's main class, which submits its job; returns the job id.
     *
     * @param parallelism the job's default parallelism, or null for the cluster's
     * @param savepoint a savepoint or retained checkpoint to start from, or null
     */
    public String runJar(String jarId, String entryClass, List<String> args, Integer parallelism, String savepoint) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("entryClass", entryClass);
        body.put("programArgsList", args);
        if (parallelism != null) {
            body.put("parallelism", parallelism);
        }
        if (savepoint != null) {
            body.put("savepointPath", savepoint);
        }
        body.put("allowNonRestoredState", false); // state the job cannot map is an error, as in flink run
        String jobId = post("/jars/" + jarId + "/run", body).path("jobid").asText();
        if (jobId.isEmpty()) {
            throw new IllegalStateException("the cluster at " + base + " returned no job id");
        }
        return jobId;
    }

    /** Uploads {@code jar}, runs it and deletes the upload: {@code flink run -d}. Returns the job id. */
    public String submit(Path jar, String entryClass, List<String> args, Integer parallelism, String savepoint) {
        String jarId = uploadJar(jar);
        try {
            return runJar(jarId, entryClass, args, parallelism, savepoint);
        } finally {
            deleteJar(jarId);
        }
    }

    /** The job's state: CREATED, RUNNING, RESTARTING, FAILED, ... */
    public String jobState(String jobId) {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /**
     * Waits until the job and every one of its tasks run. Fails with the job's exception if it ends,
     * or restarts, or is not running by the deadline.
     */
    public void awaitRunning(String jobId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            JsonNode job = get("/jobs/" + jobId);
            state = job.path("state").asText();
            if (TERMINAL.contains(state) || "RESTARTING".equals(state) || "FAILING".equals(state)) {
                throw new IllegalStateException("job " + jobId + " is " + state + ": " + exceptionSummary(jobId));
            }
            if ("RUNNING".equals(state) && allTasksRunning(job)) {
                return;
            }
            Thread.sleep(100);
        }
        String why = exceptionSummary(jobId);
        throw new IllegalStateException("job " + jobId + " is not running after " + timeout.toSeconds() + " s (" + state
                + (why.isEmpty() ? ", no exception yet: are there enough free task slots?" : "): " + why));
    }

    private static boolean allTasksRunning(JsonNode job) {
        for (JsonNode v : job.path("vertices")) {
            if (!"RUNNING".equals(v.path("status").asText())) {
                return false;
            }
        }
        return job.path("vertices").size() > 0;
    }

    /** The job's latest exception, in short (its class, message and causes), or "" if none. */
    public String exceptionSummary(String jobId) {
        JsonNode entries = get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries");
        if (entries.isEmpty()) {
            return "";
        }
        return summarize(entries.get(0).path("stacktrace").asText(entries.get(0).path("exceptionName").asText()));
    }

    /**
     * A stack trace's first line, the frame that threw it, and its "Caused by" lines: what went
     * wrong and where, without the rest of the frames.
     */
    static String summarize(String stackTrace) {
        List<String> lines = new ArrayList<>();
        boolean frameTaken = false;
        for (String line : stackTrace.split("\n")) {
            String t = line.trim();
            if (lines.isEmpty() || t.startsWith("Caused by: ")) {
                lines.add(t);
            } else if (!frameTaken && t.startsWith("at ")) {
                lines.add(t);
                frameTaken = true;
            }
        }
        return String.join("; ", lines);
    }

    /** Cancels the job (as the web UI's Cancel Job). */
    public void cancel(String jobId) {
        send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel")).method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    /**
     * Stops the job with a savepoint ({@code flink stop}) and returns the savepoint's path.
     *
     * @param directory where to write it, or null for the cluster's {@code execution.checkpointing.savepoint-dir}
     */
    public String stopWithSavepoint(String jobId, String directory, Duration timeout) throws InterruptedException {
        ObjectNode body = json.createObjectNode().put("drain", false).put("formatType", "CANONICAL");
        if (directory != null) {
            body.put("targetDirectory", directory);
        }
        String trigger = post("/jobs/" + jobId + "/stop", body).path("request-id").asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = get("/jobs/" + jobId + "/savepoints/" + trigger);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode operation = status.path("operation");
                if (operation.hasNonNull("location")) {
                    awaitEnded(jobId, deadline); // the savepoint completes a moment before the job has finished
                    return operation.path("location").asText();
                }
                throw new IllegalStateException("the savepoint of job " + jobId + " failed: "
                        + summarize(operation.path("failure-cause").path("stack-trace").asText(operation.toString())));
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the savepoint of job " + jobId + " did not complete within " + timeout.toSeconds() + " s");
    }

    private void awaitEnded(String jobId, long deadline) throws InterruptedException {
        while (!TERMINAL.contains(jobState(jobId))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("job " + jobId + " took its savepoint but is still " + jobState(jobId));
            }
            Thread.sleep(50);
        }
    }

    /** The registered TaskManagers' ids (their {@code taskmanager.resource-id}). */
    public List<String> taskManagerIds() {
        List<String> ids = new ArrayList<>();
        for (JsonNode tm : get("/taskmanagers").path("taskmanagers")) {
            ids.add(tm.path("id").asText());
        }
        return ids;
    }

    /** The id of the job's vertex whose name contains {@code name} (e.g. "raw EEG" for the source). */
    public String vertexId(String jobId, String name) {
        for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
            if (v.path("name").asText().contains(name)) {
                return v.path("id").asText();
            }
        }
        throw new IllegalArgumentException("job " + jobId + " has no vertex named like '" + name + "'");
    }

    /** For each subtask of the vertex, the id of the TaskManager it runs on. */
    public Map<Integer, String> subtaskTaskManagers(String jobId, String vertexId) {
        Map<Integer, String> where = new LinkedHashMap<>();
        for (JsonNode s : get("/jobs/" + jobId + "/vertices/" + vertexId).path("subtasks")) {
            where.put(s.path("subtask").asInt(), s.path("taskmanager-id").asText());
        }
        return where;
    }

    /** A metric of each subtask of the vertex (e.g. {@code numRecordsOut}); absent until reported. */
    public Map<Integer, Double> subtaskMetric(String jobId, String vertexId, String metric) {
        Map<Integer, Double> values = new LinkedHashMap<>();
        int parallelism = get("/jobs/" + jobId + "/vertices/" + vertexId).path("parallelism").asInt();
        for (int i = 0; i < parallelism; i++) {
            for (JsonNode m : get("/jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/" + i + "/metrics?get="
                    + URLEncoder.encode(metric, StandardCharsets.UTF_8))) {
                values.put(i, m.path("value").asDouble());
            }
        }
        return values;
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpRequest r = request.timeout(Duration.ofSeconds(60)).build();
        HttpResponse<String> response;
        try {
            response = http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IllegalStateException("no Flink cluster answers at " + base + " (is it started? bin/eeg cluster start)", e);
        } catch (IOException e) {
            throw new IllegalStateException(r.method() + " " + r.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + r.uri(), e);
        }
        JsonNode body;
        try {
            body = response.body().isBlank() ? json.createObjectNode() : json.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(r.method() + " " + r.uri() + " answered " + response.statusCode()
                    + " with no JSON (is this Flink's REST address?)", e);
        }
        if (response.statusCode() >= 300) {
            List<String> errors = new ArrayList<>();
            body.path("errors").forEach(e -> errors.add(summarize(e.asText())));
            throw new IllegalStateException("Flink refused " + r.method() + " " + r.uri().getPath() + " ("
                    + response.statusCode() + "): " + String.join("; ", errors));
        }
        return body;
    }
}
