package io.github.eegstream.redis;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * What a {@code rediss://} connection trusts and shows: the CA certificate(s) that must have
 * signed Redis's certificate, and optionally a client certificate and key (mutual TLS), as PEM.
 * The files' contents are read where the endpoint is made (the command line, the job's client) and
 * travel with it, so Flink's TaskManagers need no files. Without a CA file the JDK's trusted CAs
 * apply; verification (certificate and host name) is never turned off.
 *
 * @param caPem the CA certificates, PEM; null for the JDK's default trust store
 * @param caSource where the CA came from, for messages (a path)
 * @param clientCertPem the client's certificate chain, PEM; null without mutual TLS
 * @param clientKeyPem the client's private key (PKCS#8 PEM, unencrypted); null without mutual TLS
 */
public record RedisTls(byte[] caPem, String caSource, byte[] clientCertPem, byte[] clientKeyPem) implements Serializable {

    /** Environment variable: the CA file. */
    public static final String CA_ENV = "REDIS_CA_CERT";
    /** Environment variables: the client certificate and key files, for mutual TLS. */
    public static final String CLIENT_CERT_ENV = "REDIS_CLIENT_CERT";
    public static final String CLIENT_KEY_ENV = "REDIS_CLIENT_KEY";
    /**
     * System properties between the command line's options and the environment, for a JVM started
     * with {@code -D}. The options themselves are per command ({@link RedisTlsOptions#tls()}), never
     * made JVM-wide: another command in the same JVM (a test's) must not inherit a CA.
     */
    public static final String CA_PROPERTY = "eegstream.redis.ca-cert";
    public static final String CLIENT_CERT_PROPERTY = "eegstream.redis.client-cert";
    public static final String CLIENT_KEY_PROPERTY = "eegstream.redis.client-key";

    /** The JDK's trusted CAs, no client certificate. */
    public static final RedisTls DEFAULTS = new RedisTls(null, null, null, null);

    public RedisTls {
        if ((clientCertPem == null) != (clientKeyPem == null)) {
            throw new IllegalArgumentException("mutual TLS needs both a client certificate and its key"
                    + " (--redis-client-cert and --redis-client-key, or $" + CLIENT_CERT_ENV + " and $" + CLIENT_KEY_ENV + ")");
        }
    }

    /** From the system properties, else the environment. */
    public static RedisTls configured() {
        return configured(System::getenv);
    }

    static RedisTls configured(Function<String, String> env) {
        return configured(null, null, null, env);
    }

    /** The given files (the command line's; each may be null), else the system properties, else the environment. */
    public static RedisTls configured(Path ca, Path cert, Path key) {
        return configured(ca, cert, key, System::getenv);
    }

    static RedisTls configured(Path caFile, Path certFile, Path keyFile, Function<String, String> env) {
        String ca = setting(caFile, CA_PROPERTY, CA_ENV, env);
        String cert = setting(certFile, CLIENT_CERT_PROPERTY, CLIENT_CERT_ENV, env);
        String key = setting(keyFile, CLIENT_KEY_PROPERTY, CLIENT_KEY_ENV, env);
        return new RedisTls(read(ca, "CA certificate", "--redis-ca-cert or $" + CA_ENV), ca,
                read(cert, "client certificate", "--redis-client-cert or $" + CLIENT_CERT_ENV),
                read(key, "client key", "--redis-client-key or $" + CLIENT_KEY_ENV));
    }

    /** True if anything is configured: a CA of its own or a client certificate. */
    public boolean isSet() {
        return caPem != null || mutual();
    }

    /** True if a client certificate is presented. */
    public boolean mutual() {
        return clientCertPem != null;
    }

    /** For messages: which CA the connection trusts. */
    public String trustDescription() {
        return caPem == null ? "the JDK's trusted CAs (set $" + CA_ENV + " or --redis-ca-cert to use your own CA)"
                : "the CA in " + caSource;
    }

    static io.lettuce.core.SslOptions.Resource resource(byte[] pem) {
        return () -> new ByteArrayInputStream(pem);
    }

    private static String setting(Path given, String property, String envName, Function<String, String> env) {
        if (given != null) {
            return given.toAbsolutePath().toString();
        }
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = env.apply(envName);
        }
        return value == null || value.isBlank() ? null : value;
    }

    private static byte[] read(String file, String what, String where) {
        if (file == null) {
            return null;
        }
        Path path = Path.of(file);
        try {
            byte[] pem = Files.readAllBytes(path);
            if (!new String(pem, java.nio.charset.StandardCharsets.US_ASCII).contains("-----BEGIN ")) {
                throw new IllegalArgumentException("the " + what + " file " + path + " (" + where + ") is not PEM");
            }
            return pem;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the " + what + " file " + path + " (" + where + "): " + e, e);
        }
    }

    // Arrays compare by content, and toString never shows a key.
    @Override
    public boolean equals(Object o) {
        return o instanceof RedisTls t && java.util.Arrays.equals(caPem, t.caPem) && java.util.Objects.equals(caSource, t.caSource)
                && java.util.Arrays.equals(clientCertPem, t.clientCertPem) && java.util.Arrays.equals(clientKeyPem, t.clientKeyPem);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(java.util.Arrays.hashCode(caPem), caSource, java.util.Arrays.hashCode(clientCertPem));
    }

    @Override
    public String toString() {
        return "RedisTls[" + (caPem == null ? "JDK CAs" : "CA " + caSource) + (mutual() ? ", client certificate" : "") + "]";
    }
}
