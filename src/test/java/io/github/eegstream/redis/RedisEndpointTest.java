package io.github.eegstream.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Passwords never shown; TLS settings read from the environment, with clear errors. */
class RedisEndpointTest {

    @TempDir
    Path dir;

    @Test
    void urlsAreRedactedWhereverTheyAppear() {
        assertEquals("redis://user:***@host:6379", RedisEndpoint.redact("redis://user:pa55:w0rd@host:6379"));
        assertEquals("rediss://***@host:6380/0", RedisEndpoint.redact("rediss://justapassword@host:6380/0"));
        assertEquals("redis://host:6379", RedisEndpoint.redact("redis://host:6379"));
        assertEquals("at redis://a:***@h:1 and REDISS://b:***@h:2.", RedisEndpoint.redact("at redis://a:x@h:1 and REDISS://b:y@h:2."));
        assertEquals("redis://relay-x:***@h:1", new RedisEndpoint("redis://relay-x:secret@h:1").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RedisEndpoint("redis://u:hunter2-secret@h:6379/notadb"));
        assertTrue(e.getMessage().contains("redis://u:***@h:6379/notadb") && !e.getMessage().contains("hunter2-secret")
                && e.getCause() == null, e.getMessage());
    }

    @Test
    void everyClientSharesTheProcesssResourcesAndShuttingOneDownLeavesThemToTheOthers() {
        RedisEndpoint endpoint = io.github.eegstream.testing.TestRedis.endpoint();
        io.lettuce.core.RedisClient first = endpoint.createClient("shared-resources-1");
        io.lettuce.core.RedisClient second = endpoint.createClient("shared-resources-2");
        try {
            assertTrue(first.getResources() == second.getResources(), "one ClientResources per process");
            first.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(1));
            first.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(1)); // twice gives back one hold only
            assertTrue(SharedClientResources.holders() >= 1);
            assertTrue(!second.getResources().eventExecutorGroup().isShuttingDown(), "the others' resources stay up");
            try (var c = second.connect()) {
                assertEquals("PONG", c.sync().ping());
            }
            assertTrue(endpoint.isReachable(java.time.Duration.ofSeconds(2)));
        } finally {
            second.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(1));
        }
    }

    /**
     * RESP2 to a single Redis (in RESP3 Lettuce decodes each pub/sub message twice), RESP3 to a
     * cluster (Lettuce's RESP2 decoder does not know smessage).
     */
    @Test
    void aSingleRedisIsSpokenToInResp2AndAClusterInResp3() {
        RedisEndpoint endpoint = io.github.eegstream.testing.TestRedis.endpoint();
        io.lettuce.core.RedisClient single = endpoint.createClient("resp-version");
        try (var c = single.connect()) {
            assertTrue(c.sync().clientInfo().contains("resp=2"), c.sync().clientInfo());
        } finally {
            single.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(1));
        }
        RedisEndpoint cluster = RedisEndpoint.resolve("redis-cluster://127.0.0.1:1");
        var clusterClient = cluster.createClusterClient("resp-version");
        var node = cluster.createNodeClient("127.0.0.1", 1, "resp-version");
        try {
            assertEquals(io.lettuce.core.protocol.ProtocolVersion.RESP3, clusterClient.getOptions().getProtocolVersion());
            assertEquals(io.lettuce.core.protocol.ProtocolVersion.RESP3, node.getOptions().getProtocolVersion());
        } finally {
            clusterClient.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(1));
            node.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(1));
        }
    }

    @Test
    void tlsSettingsComeFromTheEnvironment() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        RedisTls tls = RedisTls.configured(Map.of(RedisTls.CA_ENV, ca.toString())::get);
        assertArrayEquals(Files.readAllBytes(ca), tls.caPem());
        assertTrue(tls.trustDescription().contains(ca.toString()));
        assertNull(RedisTls.configured(name -> null).caPem(), "no CA file: the JDK's CAs");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> RedisTls.configured(Map.of(RedisTls.CA_ENV, dir.resolve("nope.crt").toString())::get));
        assertTrue(missing.getMessage().contains("cannot read the CA certificate file") && missing.getMessage().contains("REDIS_CA_CERT"),
                missing.getMessage());
        Path notPem = Files.writeString(dir.resolve("x.crt"), "hello");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RedisTls.configured(Map.of(RedisTls.CA_ENV,
                notPem.toString())::get)).getMessage().contains("is not PEM"));
        IllegalArgumentException half = assertThrows(IllegalArgumentException.class,
                () -> RedisTls.configured(Map.of(RedisTls.CLIENT_CERT_ENV, ca.toString())::get));
        assertTrue(half.getMessage().contains("both a client certificate and its key"), half.getMessage());
        assertTrue(!tls.toString().contains("MIIB"), "no key material in toString");
    }

    @Test
    void aPlainUrlWithNoTlsSettingsIsPlain() {
        assertEquals(RedisTls.DEFAULTS, new RedisEndpoint("redis://127.0.0.1:6379").tls());
        assertTrue(new RedisEndpoint("rediss://127.0.0.1:6380").isTls());
    }

    @Test
    void aCaOrClientCertificateWithAPlainUrlIsRefusedNotIgnored() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        RedisTls fromEnv = RedisTls.configured(Map.of(RedisTls.CA_ENV, ca.toString())::get);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RedisEndpoint("redis://u:hunter2-secret@127.0.0.1:6379", fromEnv));
        assertTrue(e.getMessage().contains("CA certificate (" + ca + ")") && e.getMessage().contains("is not TLS: use rediss://")
                && e.getMessage().contains("redis://u:***@127.0.0.1:6379") && !e.getMessage().contains("hunter2-secret"),
                e.getMessage());
        RedisTls mutual = RedisTls.configured(Map.of(RedisTls.CLIENT_CERT_ENV, ca.toString(), RedisTls.CLIENT_KEY_ENV, ca.toString())::get);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RedisEndpoint("redis://127.0.0.1:6379", mutual))
                .getMessage().contains("client certificate is given"));
        assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.resolve("redis://127.0.0.1:6379", fromEnv));
        // The same settings with a TLS URL are taken.
        assertEquals(fromEnv, new RedisEndpoint("rediss://127.0.0.1:6380", fromEnv).tls());
        assertEquals(fromEnv, RedisEndpoint.resolve("redis+tls://127.0.0.1:6380", fromEnv).tls());
        // The -D system property counts as the environment does.
        System.setProperty(RedisTls.CA_PROPERTY, ca.toString());
        try {
            assertThrows(IllegalArgumentException.class, () -> new RedisEndpoint("redis://127.0.0.1:6379"));
        } finally {
            System.clearProperty(RedisTls.CA_PROPERTY);
        }
        assertEquals(RedisTls.DEFAULTS, new RedisEndpoint("redis://127.0.0.1:6379").tls());
    }
}
