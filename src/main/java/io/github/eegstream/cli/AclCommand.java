package io.github.eegstream.cli;

import io.github.eegstream.job.JobSpec;
import io.github.eegstream.job.JobSpecs;
import io.github.eegstream.redis.AclRules;
import io.github.eegstream.redis.RedisEndpoint;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code eeg acl}: the Redis ACL rules for a relay, a consumer or the job, printed or applied. */
@Command(name = "acl", mixinStandardHelpOptions = true,
        description = {"Prints the Redis ACL rules that give a component exactly its channels.",
            "Needs Redis 7 or later. With --apply, sets them at --redis (connect there as an administrator).",
            "relay for ID: publishes ID's raw and features, reads ID's predictions, commands and alerts.",
            "consumer for ID: reads ID's raw and features, publishes ID's predictions.",
            "job: reads every raw channel (or stream), publishes every user's predictions, features and alerts."})
final class AclCommand implements Callable<Integer> {

    /** Which component the rules are for. */
    enum Role { relay, consumer, job }

    @Option(names = "--role", required = true, paramLabel = "ROLE", description = "One of: ${COMPLETION-CANDIDATES}.")
    Role role;

    @Option(names = "--user", paramLabel = "ID", description = "The EEG user id (relay and consumer).")
    String user;

    @Option(names = "--password", paramLabel = "PW", description = "The Redis user's password (default: a new random one, printed).")
    String password;

    @Option(names = "--spec", defaultValue = "default", paramLabel = "SPEC",
            description = "job: the spec it runs (its source patterns). Default: ${DEFAULT-VALUE}.")
    String spec;

    @Option(names = "--parallelism", defaultValue = "1", paramLabel = "P",
            description = "job: its parallelism (one source pattern each). Default: ${DEFAULT-VALUE}.")
    int parallelism;

    @Option(names = "--apply", description = "Set the rules at --redis instead of only printing them.")
    boolean apply;

    @Mixin
    RedisOption redis;

    @Override
    public Integer call() {
        String secret = password != null ? password : randomPassword();
        AclRules rules = rules(secret);
        RedisEndpoint endpoint = redis.endpoint();
        Screen.println("# Redis user '" + rules.redisUser() + "' for the " + role + (user == null ? "" : " of " + user) + ":");
        Screen.println(rules.command());
        Screen.println("# it connects with: REDIS_URL=" + urlFor(endpoint, rules.redisUser(), secret));
        if (!apply) {
            Screen.println("# apply with: redis-cli <the line above>, or this command with --apply");
            return 0;
        }
        RedisClient client = endpoint.createClient();
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            rules.apply(connection);
            Screen.println("# applied at " + endpoint);
            warnIfDefaultUserIsOpen(connection);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
        return 0;
    }

    private AclRules rules(String secret) {
        if (role == Role.job) {
            if (user != null) {
                throw new IllegalArgumentException("--role job serves every user: leave out --user");
            }
            if (parallelism < 1) {
                throw new IllegalArgumentException("--parallelism must be at least 1, was " + parallelism);
            }
            JobSpec job = JobSpecs.load(spec);
            return AclRules.job(job.source().patternsFor(parallelism), job.source().deadLetterChannel(), secret);
        }
        if (user == null) {
            throw new IllegalArgumentException("--role " + role + " needs --user ID: the EEG user it may access");
        }
        return role == Role.relay ? AclRules.relay(user, secret) : AclRules.consumer(user, secret);
    }

    /** Rules are moot while anyone may connect as the passwordless default user. */
    private static void warnIfDefaultUserIsOpen(StatefulRedisConnection<String, String> connection) {
        try {
            java.util.List<Object> info = connection.sync().aclGetuser("default");
            String flags = String.valueOf(info.size() > 1 ? info.get(1) : "");
            if (flags.contains("on") && flags.contains("nopass")) {
                Screen.println("# warning: Redis's 'default' user needs no password, so anyone can bypass these rules:"
                        + " ACL SETUSER default off (after giving your administrator a user of its own)");
            }
        } catch (RuntimeException e) {
            // not allowed to look: nothing to say
        }
    }

    private static String urlFor(RedisEndpoint endpoint, String redisUser, String secret) {
        io.lettuce.core.RedisURI uri = io.lettuce.core.RedisURI.create(endpoint.url());
        return (uri.isSsl() ? "rediss://" : "redis://") + redisUser + ":" + secret + "@" + uri.getHost() + ":" + uri.getPort();
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
