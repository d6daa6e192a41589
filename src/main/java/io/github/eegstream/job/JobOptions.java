package io.github.eegstream.job;

import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.spec.JobSpecs;
import io.github.eegstream.redis.RedisTlsOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every way of running the job shares: which spec, which Redis, how parallel. */
public final class JobOptions {

    @Option(names = "--spec", paramLabel = "SPEC", defaultValue = "default",
            description = "Job spec: a YAML file or a built-in name (default, seed-compatible). Default: ${DEFAULT-VALUE}.")
    String spec;

    @Option(names = "--parallelism", paramLabel = "P",
            description = "Parallelism of the job (default: the spec's, else Flink's).")
    Integer parallelism;

    @Option(names = "--redis", paramLabel = "URL",
            description = "Redis URL (default: the spec's, else $REDIS_URL, else redis://127.0.0.1:6379).")
    String redisUrl;

    @Option(names = "--job-id", paramLabel = "ID",
            description = "Who this job is (default: the spec's job-id, else its name): two jobs on the same users need two ids.")
    String jobId;

    @Mixin
    RedisTlsOptions tls = new RedisTlsOptions();

    /** The spec with the command line's overrides applied. */
    public JobSpec resolve() {
        JobSpec s = JobSpecs.load(spec);
        if (redisUrl != null) {
            s = s.withRedisUrl(redisUrl);
        }
        s = s.withRedisTls(tls.tls());
        if (jobId != null) {
            s = s.withJobId(JobSpecs.requireValidName(jobId));
        }
        if (parallelism != null) {
            if (parallelism < 1) {
                throw new IllegalArgumentException("--parallelism must be at least 1, was " + parallelism);
            }
            s = s.withParallelism(parallelism);
        }
        return s;
    }

    /** The TLS options as a child process's environment ({@link RedisTlsOptions#environment()}). */
    public java.util.Map<String, String> tlsEnvironment() {
        return tls.environment();
    }

    public void setSpec(String spec) {
        this.spec = spec;
    }

    /** Makes {@code spec} the default for a command whose natural spec is not {@code default}. */
    public void setSpecDefault(String spec) {
        if ("default".equals(this.spec)) {
            this.spec = spec;
        }
    }

    public void setRedisUrl(String redisUrl) {
        this.redisUrl = redisUrl;
    }
}
