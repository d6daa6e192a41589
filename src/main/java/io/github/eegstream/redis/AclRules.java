package io.github.eegstream.redis;

import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.util.ArrayList;
import java.util.List;

/**
 * The Redis ACL rules ({@code ACL SETUSER name rule...}) that give each component exactly the
 * channels it needs. Publishing and subscribing are told apart with a Redis 7 selector: the root
 * permissions say what a user may publish (or write), a selector in parentheses what it may read.
 *
 * <ul>
 *   <li>relay for X: publish X's raw and features (and append to X's raw stream); subscribe to X's
 *       predictions, commands and alerts;
 *   <li>consumer for X: subscribe to X's raw and features; publish X's predictions;
 *   <li>job: subscribe to every raw channel (or read every raw stream); publish every user's
 *       predictions, features and alerts, and the dead-letter channel; call the durable sink's
 *       function ({@link RedisFunctions}). No EVAL (any script) and no CLIENT LIST.
 * </ul>
 *
 * The password enters the rules as its SHA-256 ({@code #<hash>}), so they can be printed.
 *
 * @param redisUser the Redis user the rules are for
 * @param rules the rules, each one argument of {@code ACL SETUSER}
 */
public record AclRules(String redisUser, List<String> rules) {

    /** Where a pub/sub source's readers hand channels over (kept in step with its reader). */
    public static final String HANDOVER_CHANNELS = "eegstream:handover:*";

    /** The durable sink's sequence keys (kept in step with the sink's prefix). */
    public static final String SEQUENCE_KEYS = "eegstream:published:*";

    /** What every component's connection does besides its work: authenticate, name itself, ping. */
    private static final List<String> CONNECTION = List.of(
            "+hello", "+auth", "+ping", "+client|setname", "+client|id", "+select");

    public AclRules {
        rules = List.copyOf(rules);
    }

    /** Rules for a relay of user {@code userId}. */
    public static AclRules relay(String userId, String password) {
        List<String> rules = start(password);
        rules.add("+publish");
        rules.add("&" + channel(userId, ChannelKind.RAW));
        rules.add("&" + channel(userId, ChannelKind.FEATURES));
        rules.add("+xadd");
        rules.add("+pexpire");
        rules.add("~" + channel(userId, ChannelKind.RAW)); // durable mode's stream
        // The registry in a selector of its own: root rules apply every command to every key they
        // name, and a relay must not expire, or write a stream into, the registry.
        rules.add(reader("+zadd", List.of(Channel.REGISTRY_KEY), List.of()));
        rules.add(reader("+subscribe +unsubscribe", List.of(), List.of(channel(userId, ChannelKind.PREDICTIONS),
                channel(userId, ChannelKind.COMMANDS), channel(userId, ChannelKind.ALERTS))));
        return new AclRules("relay-" + userId, rules);
    }

    /** Rules for a consumer of user {@code userId}'s data (a model, a dashboard, a logger). */
    public static AclRules consumer(String userId, String password) {
        List<String> rules = start(password);
        rules.add("+publish");
        rules.add("&" + channel(userId, ChannelKind.PREDICTIONS));
        rules.add(reader("+subscribe +unsubscribe", List.of(),
                List.of(channel(userId, ChannelKind.RAW), channel(userId, ChannelKind.FEATURES))));
        return new AclRules("consumer-" + userId, rules);
    }

    /**
     * Rules for the prediction job.
     *
     * <p>In pub/sub mode its source chooses its patterns at run time, as it balances the load (a
     * busy class of channels is cut into finer patterns), and Redis allows PSUBSCRIBE only to
     * patterns that a user's rules name literally: so its reading selector allows every channel.
     * It can read nothing it could not already: every raw channel, and the channels it publishes.
     *
     * @param durable reads Redis Streams (durable mode) instead of pub/sub: XREAD and SCAN, and
     *     the exactly-once sink's FCALL, instead of PSUBSCRIBE
     * @param deadLetterChannel where rejects go, or null
     */
    public static AclRules job(boolean durable, String deadLetterChannel, String password) {
        List<String> rules = start(password);
        rules.add("+publish");
        for (ChannelKind kind : List.of(ChannelKind.PREDICTIONS, ChannelKind.FEATURES, ChannelKind.ALERTS)) {
            rules.add("&" + kind.patternForAllUsers());
        }
        if (deadLetterChannel != null && !deadLetterChannel.isBlank()) {
            rules.add("&" + deadLetterChannel);
        }
        if (!durable) {
            // The launcher counts its source's marker subscriptions instead of reading CLIENT LIST;
            // the source's readers publish their handover markers.
            rules.add("&" + HANDOVER_CHANNELS);
            rules.add("+pubsub|numsub");
            rules.add(reader("+psubscribe +punsubscribe +subscribe +unsubscribe", List.of(), List.of("*")));
            return new AclRules("eegstream-job", rules);
        }
        // The durable sink publishes once per window through a function an administrator loaded
        // (RedisFunctions): FCALL runs only loaded code, and its GET, SET and PUBLISH are checked
        // against these rules. No EVAL: that would run any Lua the job's credentials sent.
        rules.add("+fcall");
        rules.add("+get");
        rules.add("+set");
        rules.add("~" + SEQUENCE_KEYS);
        // Streams are found in the registry relays write (and forgotten there once gone).
        rules.add(reader("+zrangebyscore +zrevrangebyscore +zrem", List.of(Channel.REGISTRY_KEY), List.of()));
        // One SCAN at start finds streams of appenders that do not register. Redis cannot narrow
        // SCAN to key patterns: ~user:*:raw limits XREAD, XRANGE (trimmed past the job?) and
        // EXISTS, while SCAN still lists every key's name (never a value). Pub/sub jobs go without.
        rules.add(reader("+xread +xrange +exists +type +scan", List.of(ChannelKind.RAW.patternForAllUsers()), List.of()));
        return new AclRules("eegstream-job", rules);
    }

    /**
     * The same rules for a Redis Cluster: sharded pub/sub beside classic (SPUBLISH where PUBLISH
     * is allowed, SSUBSCRIBE where SUBSCRIBE is), on the same channels; PUBSUB SHARDNUMSUB (a relay
     * waits for its raw channel's subscriber, the launcher for the source's markers); reading the
     * relays' registry (the sharded source finds users there); and what Lettuce asks to follow the
     * topology: CLUSTER NODES, SLOTS, SHARDS, MYID and INFO (INFO shows server statistics, no data).
     */
    public AclRules forCluster() {
        List<String> out = new ArrayList<>();
        for (String rule : rules) {
            if (rule.startsWith("(") && rule.contains("+subscribe +unsubscribe")) {
                out.add(rule.replace("+subscribe +unsubscribe", "+subscribe +unsubscribe +ssubscribe +sunsubscribe"));
            } else {
                out.add(rule);
            }
            if (rule.equals("+publish")) {
                out.add("+spublish");
            }
        }
        out.addAll(List.of("+pubsub|shardnumsub", "+cluster|nodes", "+cluster|slots", "+cluster|shards", "+cluster|myid",
                "+info"));
        if (redisUser.equals("eegstream-job")) {
            out.add(reader("+zrangebyscore +zremrangebyscore", List.of(Channel.REGISTRY_KEY), List.of()));
        }
        return new AclRules(redisUser, out);
    }

    /** Sets the rules at the Redis {@code admin} is connected to (as a user allowed ACL SETUSER). */
    public void apply(StatefulRedisConnection<String, String> admin) {
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8).add("SETUSER").add(redisUser);
        rules.forEach(args::add);
        admin.sync().dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), args);
    }

    /** {@code ACL SETUSER} as one line for redis-cli, the selectors quoted (as redis-cli reads them). */
    public String command() {
        StringBuilder line = new StringBuilder("ACL SETUSER ").append(redisUser);
        for (String rule : rules) {
            // redis-cli reads backslash escapes inside quotes: double the one in the "\\-" of a shard pattern
            line.append(' ').append(rule.contains(" ") ? "\"" + rule.replace("\\", "\\\\") + "\"" : rule);
        }
        return line.toString();
    }

    /** The same with any clear-text password ({@code >pw}) hidden; the rules made here carry only its hash. */
    public String redactedCommand() {
        return command().replaceAll(" >\\S+", " >***");
    }

    private static List<String> start(String password) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("a Redis user needs a password");
        }
        // Redis keeps only the password's SHA-256 (#hash): the rules can be printed, logged and kept in
        // an ACL file without showing the password.
        List<String> rules = new ArrayList<>(List.of("reset", "on", "#" + sha256(password), "resetchannels", "resetkeys", "-@all"));
        rules.addAll(CONNECTION);
        return rules;
    }

    /** The hex SHA-256 of the password, as Redis's {@code #<hash>} rule takes it. */
    static String sha256(String password) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(password.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A selector: the commands, on these keys and channels only. */
    private static String reader(String commands, List<String> keys, List<String> channels) {
        StringBuilder s = new StringBuilder("(").append(commands);
        keys.forEach(k -> s.append(" ~").append(k));
        channels.forEach(c -> s.append(" &").append(c));
        return s.append(")").toString();
    }

    private static String channel(String userId, ChannelKind kind) {
        return Channel.of(userId, kind).name();
    }
}
