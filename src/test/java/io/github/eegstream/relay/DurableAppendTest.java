package io.github.eegstream.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.testing.AofRedis;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireCodec;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A durable relay across a crash of its Redis (SIGKILL; AOF fsynced every second, so the last
 * appends before the kill may be gone): the user's stream holds every sample exactly once, no
 * repeat and no hole, because each entry's id is fixed when the relay makes it, so appending it
 * again is refused where Redis kept it and stored where Redis lost it.
 */
class DurableAppendTest {

    private static final double RATE = 256;

    @Test
    void aStreamHoldsEverySampleOnceAcrossAKilledRedis() throws Exception {
        run(false);
    }

    /** A crash that loses the last second of appends Redis had acknowledged: appended again, in order. */
    @Test
    void aStreamHoldsEverySampleOnceWhenRedisLosesItsLastSecond() throws Exception {
        run(true);
    }

    private void run(boolean loseLastSecond) throws Exception {
        String user = TestRedis.uniqueUser("aof");
        List<String> screen = new CopyOnWriteArrayList<>();
        try (AofRedis redis = AofRedis.start()) {
            RedisClient client = redis.endpoint().createClient();
            try {
                Relay relay = new Relay(new Relay.Options(user, 16, null).withDurableRetention(Duration.ofMinutes(10)),
                        new SimulatedSource(4, RATE, 5), client, screen::add).start();
                try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
                    byte[] key = Channel.of(user, ChannelKind.RAW).name().getBytes(StandardCharsets.UTF_8);
                    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while (c.sync().xlen(key) < 100 && System.nanoTime() < deadline) { // ~6 s of 16-sample entries
                        Thread.sleep(50);
                    }
                    assertTrue(c.sync().xlen(key) >= 100, "the relay appends");
                }
                if (loseLastSecond) {
                    redis.snapshot();
                    Thread.sleep(1_000); // a second of appends that will not survive
                    long before;
                    try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
                        before = c.sync().xlen(Channel.of(user, ChannelKind.RAW).name().getBytes(StandardCharsets.UTF_8));
                    }
                    redis.crashLosingSinceSnapshot();
                    try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
                        long after = c.sync().xlen(Channel.of(user, ChannelKind.RAW).name().getBytes(StandardCharsets.UTF_8));
                        assertTrue(after < before - 5, "the crash lost appends Redis had acknowledged: " + before + " then " + after);
                    }
                } else {
                    redis.kill();
                    Thread.sleep(1_500); // the outage: the relay holds what it reads meanwhile
                    redis.restart();
                }
                assertTrue(io.github.eegstream.testing.Lines.await(screen, l -> l.contains("caught up"), Duration.ofSeconds(30)), String.join("\n", screen));
                Thread.sleep(1_000);
                relay.stop();
                assertTrue(relay.awaitFinished(Duration.ofSeconds(10)));

                List<Double> stamps = new ArrayList<>();
                WireCodec codec = new WireCodec();
                try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
                    byte[] key = Channel.of(user, ChannelKind.RAW).name().getBytes(StandardCharsets.UTF_8);
                    for (StreamMessage<byte[], byte[]> m : c.sync().xrange(key, io.lettuce.core.Range.create("-", "+"))) {
                        RawSamples s = codec.decodeRaw(m.getBody().values().iterator().next());
                        for (double t : s.timestamps()) {
                            stamps.add(t);
                        }
                    }
                }
                java.util.TreeSet<Double> distinct = new java.util.TreeSet<>(stamps);
                assertEquals(stamps.size(), distinct.size(), (stamps.size() - distinct.size()) + " samples repeated");
                assertEquals(relay.samplesPublished(), stamps.size(), "every sample the relay published, once");
                for (int i = 1; i < stamps.size(); i++) {
                    double step = stamps.get(i) - stamps.get(i - 1);
                    assertTrue(step > 0.5 / RATE && step < 1.5 / RATE, "sample " + i + ": a step of " + step + " s (a repeat or a hole)");
                }
                assertEquals(0, relay.samplesDropped());

                if (loseLastSecond) {
                    return;
                }
                // The session recovered from the stream alone, as no recorder ran: every sample, read back by libxdf.
                java.nio.file.Path xdf = java.nio.file.Files.createTempDirectory("export-").resolve("session.xdf");
                var summary = io.github.eegstream.record.StreamExport.export(redis.endpoint(), user, null, null, xdf);
                assertEquals(stamps.size(), summary.samples());
                List<String> lines = io.github.eegstream.testing.XdfHarness.dump(xdf);
                List<Double> exported = lines.stream().filter(l -> l.startsWith("sample 0 "))
                        .map(l -> Double.parseDouble(l.split(" ")[2])).toList();
                assertEquals(stamps, exported, "the export holds every sample of the stream, in order");
                java.nio.file.Path bdf = xdf.resolveSibling("session.bdf");
                assertEquals(stamps.size(), io.github.eegstream.record.StreamExport.export(redis.endpoint(), user, null, null, bdf)
                        .samples());
                assertTrue(java.nio.file.Files.size(bdf) > 0);
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }
    }

}
