package io.github.eegstream.cli;

import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.spec.JobSpecs;
import io.github.eegstream.redis.AclRules;
import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.redis.RedisFunctions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
            "Needs Redis 7 or later. With --apply, sets them at --redis (connect there as an administrator),",
            "and for the job loads the Redis function library its durable sink calls.",
            "The password (new and random, or --password-stdin) is printed only with --show-password.",
            "relay for ID: publishes ID's raw and features, reads ID's predictions, commands and alerts.",
            "consumer for ID: reads ID's raw and features, publishes ID's predictions.",
            "job: reads every raw channel (or stream, with a durable --spec), publishes every user's predictions,",
            "features and alerts."})
final class AclCommand implements Callable<Integer> {

    /** Which component the rules are for. */
    enum Role { relay, consumer, job }

    @Option(names = "--role", required = true, paramLabel = "ROLE", description = "One of: ${COMPLETION-CANDIDATES}.")
    Role role;

    @Option(names = "--user", paramLabel = "ID", description = "The EEG user id (relay and consumer).")
    String user;

    @Option(names = "--password-stdin",
            description = "Read the Redis user's password from the first line of standard input (default: a new random one).")
    boolean passwordStdin;

    @Option(names = "--show-password",
            description = "Print the REDIS_URL with the password (by default the password is never printed).")
    boolean showPassword;

    @Option(names = "--url-file", paramLabel = "FILE",
            description = "Write the REDIS_URL, password included, to FILE (readable by you only), for the component to read.")
    Path urlFile;

    /** A password on the command line shows in ps and in shell history: refused, with the way to do it. */
    @Option(names = "--password", hidden = true, paramLabel = "PW")
    String passwordArgument;

    @Option(names = "--spec", defaultValue = "default", paramLabel = "SPEC",
            description = "job: the spec it runs (its source patterns). Default: ${DEFAULT-VALUE}.")
    String spec;

    @Option(names = "--parallelism", defaultValue = "1", paramLabel = "P",
            description = "job: accepted for older scripts; the rules no longer depend on the parallelism.")
    int parallelism;

    @Option(names = "--apply", description = "Set the rules at --redis instead of only printing them.")
    boolean apply;

    @Option(names = "--save", description = "With --apply: ACL SAVE afterwards, so that the users survive a restart of Redis"
            + " (it must run with an ACL file, --aclfile).")
    boolean save;

    @Mixin
    RedisOption redis;

    static final int RANDOM_PASSWORD_BYTES = 32;
    /** Below this a chosen password's unsalted hash, which the rules print, may be guessed offline. */
    static final int SHORT_PASSWORD = 20;

    @Override
    public Integer call() throws IOException {
        if (passwordArgument != null) {
            throw new IllegalArgumentException("a password on the command line shows in ps and shell history:"
                    + " give it on standard input with --password-stdin, or leave it out for a new random one");
        }
        if (save && !apply) {
            throw new IllegalArgumentException("--save goes with --apply");
        }
        boolean generated = !passwordStdin;
        String secret = generated ? randomPassword() : passwordFromStdin();
        RedisEndpoint endpoint = redis.endpoint();
        AclRules rules = endpoint.isCluster() ? rules(secret).forCluster() : rules(secret);
        Screen.println("# Redis user '" + rules.redisUser() + "' for the " + role + (user == null ? "" : " of " + user)
                + " (the rule #<sha256> holds the password's hash, not the password):");
        Screen.println(rules.command());
        if (!generated && secret.length() < SHORT_PASSWORD) {
            Screen.println("# warning: a password of fewer than " + SHORT_PASSWORD + " characters can be guessed from its"
                    + " hash above (Redis does not salt it): leave out --password-stdin for a random one of 256 bits");
        }
        String url = urlFor(endpoint, rules.redisUser(), secret);
        if (showPassword) {
            Screen.println("# it connects with: REDIS_URL=" + url);
        } else {
            Screen.println("# it connects with: REDIS_URL=" + RedisEndpoint.redact(url) + "   ("
                    + (generated ? "a new random password" : "the password you gave") + "; --show-password prints it,"
                    + " --url-file FILE writes it for the component)");
        }
        if (urlFile != null) {
            writePrivately(urlFile, url + "\n");
            Screen.println("# wrote REDIS_URL to " + urlFile + " (mode 0600)");
        }
        if (!apply) {
            Screen.println("# apply with: redis-cli <the line above>, or this command with --apply");
            if (role == Role.job) {
                Screen.println("# the job also needs the Redis function library '" + RedisFunctions.LIBRARY
                        + "' loaded once (this command with --apply loads it)");
            }
            return 0;
        }
        if (endpoint.isCluster()) {
            return applyToEveryNode(rules, endpoint);
        }
        RedisClient client = endpoint.createClient();
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            requireRedis7(connection, endpoint);
            rules.apply(connection);
            Screen.println("# applied at " + endpoint);
            if (role == Role.job) {
                RedisFunctions.load(connection.sync());
                Screen.println("# loaded the Redis function library '" + RedisFunctions.LIBRARY + "' (the durable sink's FCALL "
                        + RedisFunctions.PUBLISH_ONCE + ")");
            }
            if (save) {
                save(connection, endpoint);
            }
            warnIfDefaultUserIsOpen(connection);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
        return 0;
    }

    /**
     * On a Redis Cluster: ACLs are each node's own, so the rules are set on every node the topology
     * names, masters and replicas (a replica promoted later must know the users too).
     */
    private int applyToEveryNode(AclRules rules, RedisEndpoint endpoint) {
        if (role == Role.job && spec != null && io.github.eegstream.spec.JobSpecs.load(spec).source().durable()) {
            throw new IllegalArgumentException("durable mode is not supported on a Redis Cluster yet");
        }
        io.lettuce.core.cluster.RedisClusterClient cluster = endpoint.createClusterClient(null);
        try (var connection = cluster.connect()) {
            java.util.List<io.lettuce.core.cluster.models.partitions.RedisClusterNode> nodes =
                    io.github.eegstream.redis.ClusterNodes.all(connection);
            StatefulRedisConnection<String, String> last = null;
            for (var node : nodes) {
                String where = node.getUri().getHost() + ":" + node.getUri().getPort();
                StatefulRedisConnection<String, String> c = connection.getConnection(node.getNodeId());
                requireRedis7(c, endpoint);
                rules.apply(c);
                if (save) {
                    save(c, endpoint);
                }
                Screen.println("# applied at node " + where + (node.is(io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag.UPSTREAM)
                        ? " (master)" : " (replica)"));
                last = c;
            }
            Screen.println("# applied at all " + nodes.size() + " nodes of " + endpoint);
            if (last != null) {
                warnIfDefaultUserIsOpen(last);
            }
        } finally {
            cluster.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
        return 0;
    }

    /** ACL SAVE: users set at run time are otherwise gone when Redis restarts. */
    private static void save(StatefulRedisConnection<String, String> connection, RedisEndpoint endpoint) {
        try {
            connection.sync().aclSave();
        } catch (io.lettuce.core.RedisCommandExecutionException e) {
            throw new IllegalStateException("ACL SAVE at " + endpoint + " failed (" + e.getMessage() + "): --save needs a Redis"
                    + " started with an ACL file (redis-server --aclfile FILE)");
        }
        Screen.println("# saved to Redis's ACL file (ACL SAVE)");
    }

    private static String passwordFromStdin() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        if (line == null || line.isBlank()) {
            throw new IllegalArgumentException("--password-stdin: standard input gave no password");
        }
        return line.strip();
    }

    /** Selectors and functions came with Redis 7: say so plainly instead of a syntax error from Redis. */
    private static void requireRedis7(StatefulRedisConnection<String, String> connection, RedisEndpoint endpoint) {
        String version = connection.sync().info("server").lines().filter(l -> l.startsWith("redis_version:")).findFirst()
                .map(l -> l.substring("redis_version:".length()).trim()).orElse("unknown");
        int major;
        try {
            major = Integer.parseInt(version.split("\\.")[0]);
        } catch (NumberFormatException e) {
            major = 0;
        }
        if (major < 7) {
            throw new IllegalStateException("these rules need Redis 7 or later (ACL selectors, functions); " + endpoint
                    + " runs Redis " + version);
        }
    }

    private static void writePrivately(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text, StandardCharsets.UTF_8);
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
            return AclRules.job(job.source().durable(), job.source().deadLetterChannel(), secret);
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

    static String urlFor(RedisEndpoint endpoint, String redisUser, String secret) {
        String password = java.net.URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20");
        if (endpoint.isCluster()) {
            String url = endpoint.url();
            String nodes = url.substring(url.indexOf("://") + 3);
            nodes = nodes.substring(nodes.lastIndexOf('@') + 1);
            return url.substring(0, url.indexOf("://") + 3) + redisUser + ":" + password + "@" + nodes;
        }
        io.lettuce.core.RedisURI uri = io.lettuce.core.RedisURI.create(endpoint.url());
        String host = uri.getHost();
        // An IPv6 literal's colons would read as a port: a URL puts it in brackets (RFC 3986).
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return (uri.isSsl() ? "rediss://" : "redis://") + redisUser + ":" + password + "@" + host + ":" + uri.getPort();
    }

    /**
     * 256 random bits. Redis keeps a password only as its unsalted SHA-256 ({@code #hash}, the one
     * form ACL rules take), and the rules are printed; with this much entropy no dictionary or
     * precomputed table finds it from the hash (see docs/security.md).
     */
    static String randomPassword() {
        byte[] bytes = new byte[RANDOM_PASSWORD_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
