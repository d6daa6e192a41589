package io.github.eegstream.connector.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.redis.RedisEndpoint;
import io.lettuce.core.RedisURI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** redis-cluster:// and rediss-cluster:// URLs: seeds, credentials, TLS, and errors that never show the password. */
class ClusterUrlTest {

    @Test
    void aClusterUrlNamesEverySeedWithTheSameCredentials() {
        List<RedisURI> seeds = ClusterUrl.seeds("redis-cluster://job:s3cr%2Ft@h1:7000,h2:7001, h3:7002");
        assertEquals(3, seeds.size());
        assertEquals("h2", seeds.get(1).getHost());
        assertEquals(7002, seeds.get(2).getPort());
        for (RedisURI s : seeds) {
            var credentials = s.getCredentialsProvider().resolveCredentials().block();
            assertEquals("job", credentials.getUsername());
            assertEquals("s3cr/t", new String(credentials.getPassword()));
            assertFalse(s.isSsl());
        }
        assertTrue(ClusterUrl.seeds("rediss-cluster://h1:7000").get(0).isSsl());
        assertTrue(ClusterUrl.isCluster("REDIS-CLUSTER://h:1"));
        assertFalse(ClusterUrl.isCluster("redis://h:1"));
    }

    @Test
    void aNodeTakesTheSeedsCredentialsAndTls() {
        RedisURI node = ClusterUrl.node(ClusterUrl.seeds("rediss-cluster://u:p@h1:7000").get(0), "10.0.0.7", 7005);
        assertEquals("10.0.0.7", node.getHost());
        assertEquals(7005, node.getPort());
        assertEquals("u", node.getCredentialsProvider().resolveCredentials().block().getUsername());
        assertTrue(node.isSsl());
    }

    @Test
    void badClusterUrlsAreRefusedWithoutThePassword() {
        for (String bad : new String[] {"redis-cluster://u:hunter2@h1", "redis-cluster://u:hunter2@h1:7000/3",
                "redis-cluster://u:hunter2@h1:7000?timeout=1s", "redis-cluster://u:hunter2@", "redis-cluster://u:hunter2@h1:7000,,h2:1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RedisEndpoint(bad), bad);
            assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        }
    }

    @Test
    void endpointsKnowAClusterAndItsTlsAndRedactIt() {
        RedisEndpoint plain = new RedisEndpoint("redis-cluster://job:hunter2@h1:7000,h2:7001");
        assertTrue(plain.isCluster());
        assertFalse(plain.isTls());
        assertEquals("redis-cluster://job:***@h1:7000,h2:7001", plain.redacted());
        assertTrue(new RedisEndpoint("rediss-cluster://h1:7000").isTls());
        assertFalse(new RedisEndpoint("redis://h1:7000").isCluster());
        assertTrue(RedisClientFactory.fromUrl("redis-cluster://h1:7000").isCluster());
        assertFalse(RedisClientFactory.fromUrl("redis://h1:7000").isCluster());
    }

    @Test
    void channelsHashToTheirSlotAsKeysDo() {
        // CRC16 of the whole name (no hash tag in user:{id}:raw names): the value Redis's CLUSTER KEYSLOT gives.
        assertEquals(io.lettuce.core.cluster.SlotHash.getSlot("user:jamie:raw"), ShardedSubscriber.slot("user:jamie:raw"));
        assertEquals(12182, ShardedSubscriber.slot("foo"));
    }
}
