package io.github.eegstream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.testing.TestRedis;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** The ceiling's subscriber counts exactly the messages of its users, on a real Redis. */
class CountingSubscriberTest {

    private final RedisURI uri = RedisURI.create(TestRedis.endpoint().url());

    @Test
    void countsItsUsersMessagesAndNoOneElses() throws Exception {
        long first = ThreadLocalRandom.current().nextLong(100_000_000L, 900_000_000L);
        RedisCommands<String, String> redis = TestRedis.client().connect().sync();
        try (CountingSubscriber counter = new CountingSubscriber(uri.getHost(), uri.getPort(), null, null, "user:*:raw",
                first, first + 2)) {
            counter.awaitSubscribed(10_000);
            byte[] big = new byte[70_000]; // longer than the reader's buffer: skipped, never copied
            for (int i = 0; i < 100; i++) {
                redis.publish("user:" + (first + i % 3) + ":raw", i == 50 ? new String(big) : "payload " + i);
                redis.publish("user:" + (first + 3) + ":raw", "another user's"); // just past the range
                redis.publish("user:" + (first - 1) + ":raw", "another user's");
                redis.publish("user:x" + first + ":raw", "not a number");
            }
            redis.publish("user:" + first + ":raw", "the last");
            assertTrue(counter.awaitCount(101, 10_000), "counted " + counter.count());
            // Whatever else was published went before "the last" on the one connection: none of it was counted.
            assertEquals(101, counter.count());
            assertEquals(null, counter.failure());
            assertTrue(counter.lastMessageNanos() > 0);
        }
    }

    @Test
    void aRefusedPasswordIsAnError() {
        IOException e = assertThrows(IOException.class, () -> new CountingSubscriber(uri.getHost(), uri.getPort(),
                "no-such-user-" + System.nanoTime(), "wrong".toCharArray(), "user:*:raw", 0, 1).close());
        assertTrue(e.getMessage().startsWith("Redis: "), e.getMessage());
    }
}
