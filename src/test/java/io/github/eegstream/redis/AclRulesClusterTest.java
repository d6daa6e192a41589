package io.github.eegstream.redis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The rules for a Redis Cluster: sharded pub/sub on exactly the channels classic pub/sub has. */
class AclRulesClusterTest {

    @Test
    void aRelaySpublishesItsOwnChannelsAndSsubscribesToWhatComesBack() {
        AclRules rules = AclRules.relay("jamie", "pw").forCluster();
        String line = rules.command();
        assertTrue(line.contains("+publish +spublish &user:jamie:raw &user:jamie:features"), line);
        assertTrue(line.contains("\"(+subscribe +unsubscribe +ssubscribe +sunsubscribe &user:jamie:predictions"
                + " &user:jamie:commands &user:jamie:alerts)\""), line);
        assertTrue(line.contains("+pubsub|shardnumsub") && line.contains("+cluster|nodes"), line);
        assertFalse(line.contains("&user:*"), "no other user's channels: " + line);
        assertFalse(line.contains("zrangebyscore"), "a relay does not read the registry: " + line);
    }

    @Test
    void theJobReadsTheRegistryToFindUsers() {
        String line = AclRules.job(false, "eegstream:dead-letter", "pw").forCluster().command();
        assertTrue(line.contains("\"(+zrangebyscore +zremrangebyscore ~eegstream:registry)\""), line);
        assertTrue(line.contains("+ssubscribe"), line);
        assertTrue(line.contains("+spublish"), line);
    }
}
