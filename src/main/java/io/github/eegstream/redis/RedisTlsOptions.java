package io.github.eegstream.redis;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The command line's TLS options for {@code rediss://} URLs, for this command only: the command
 * passes {@link #tls()} to every endpoint it makes (the job's too). Not system properties, which
 * would reach every later command of the same JVM.
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

    /** The options, each else its system property, else its environment variable. */
    public RedisTls tls() {
        return RedisTls.configured(caCert, clientCert, clientKey);
    }

    /**
     * The options as the environment variables a child process reads ({@code $REDIS_CA_CERT}, ...),
     * absolute paths: what the options do not give, the child inherits.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        put(env, RedisTls.CA_ENV, caCert);
        put(env, RedisTls.CLIENT_CERT_ENV, clientCert);
        put(env, RedisTls.CLIENT_KEY_ENV, clientKey);
        return env;
    }

    private static void put(Map<String, String> env, String name, Path file) {
        if (file != null) {
            env.put(name, file.toAbsolutePath().toString());
        }
    }
}
