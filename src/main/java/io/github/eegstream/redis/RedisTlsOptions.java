package io.github.eegstream.redis;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The command line's TLS options for {@code rediss://} URLs. They set the system properties
 * {@link RedisTls} reads, so every endpoint the command makes (the job's too) trusts the same CA.
 */
public final class RedisTlsOptions {

    @Option(names = "--redis-ca-cert", paramLabel = "FILE",
            description = "rediss://: the CA certificate (PEM) that signed Redis's certificate (default: $REDIS_CA_CERT, else the JDK's CAs).")
    Path caCert;

    @Option(names = "--redis-client-cert", paramLabel = "FILE",
            description = "rediss:// with mutual TLS: this client's certificate (PEM; default: $REDIS_CLIENT_CERT).")
    Path clientCert;

    @Option(names = "--redis-client-key", paramLabel = "FILE",
            description = "rediss:// with mutual TLS: this client's private key (PKCS#8 PEM; default: $REDIS_CLIENT_KEY).")
    Path clientKey;

    /** Makes the options the ones every endpoint of this process uses. */
    public void apply() {
        set(RedisTls.CA_PROPERTY, caCert);
        set(RedisTls.CLIENT_CERT_PROPERTY, clientCert);
        set(RedisTls.CLIENT_KEY_PROPERTY, clientKey);
    }

    private static void set(String property, Path file) {
        if (file != null) {
            System.setProperty(property, file.toAbsolutePath().toString());
        }
    }
}
