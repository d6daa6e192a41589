package io.github.eegstream.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The prediction job as {@code flink run} submits it: the job jar, its entry point and arguments
 * ({@code --spec}, {@code --redis}), the parallelism, and the savepoint to start from.
 */
public record JobSubmission(Path jar, String spec, String redis, Integer parallelism, String savepoint) {

    /** The job jar's entry point (also in its manifest). */
    public static final String ENTRY_CLASS = "io.github.eegstream.job.PredictionJob";

    public static JobSubmission of(Path jar) {
        return new JobSubmission(jar, null, null, null, null);
    }

    /** @param newSpec a built-in spec's name or a spec file readable on the JobManager; null: {@code default} */
    public JobSubmission withSpec(String newSpec) {
        return new JobSubmission(jar, newSpec, redis, parallelism, savepoint);
    }

    public JobSubmission withRedis(String url) {
        return new JobSubmission(jar, spec, url, parallelism, savepoint);
    }

    public JobSubmission withParallelism(Integer p) {
        if (p != null && p < 1) {
            throw new IllegalArgumentException("--parallelism must be at least 1, was " + p);
        }
        return new JobSubmission(jar, spec, redis, p, savepoint);
    }

    public JobSubmission withSavepoint(String path) {
        return new JobSubmission(jar, spec, redis, parallelism, path);
    }

    /** The arguments of the job's main(). */
    public List<String> programArgs() {
        List<String> args = new ArrayList<>();
        if (spec != null) {
            args.addAll(List.of("--spec", spec));
        }
        if (redis != null) {
            args.addAll(List.of("--redis", redis));
        }
        return args;
    }

    /** Uploads the jar and runs it; returns the job id (the job may still be starting). */
    public String submit(FlinkRestClient rest) {
        return rest.submit(jar, ENTRY_CLASS, programArgs(), parallelism, savepoint);
    }
}
