package dev.edgelens.edge.iothub;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.ModuleClient;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

/** Creates the SDK client for the configured mode. Errors never carry the connection string. */
public final class HubClients {

    private HubClients() {
    }

    /**
     * A client from the configured connection string (mode device): a device client, or a module
     * client when the string names a module identity ({@code ...;ModuleId=...}), which lets several
     * EdgeLens modules share one device outside IoT Edge, each with its own twin.
     *
     * @throws IllegalArgumentException naming what is wrong (connection string value not shown)
     */
    public static InternalClient device(HubSettings s) throws IOException {
        ClientOptions.ClientOptionsBuilder options = baseOptions();
        if (s.caFile() != null) {
            options.sslContext(trusting(s.caFile()));
        }
        try {
            if (s.connectionString().contains("ModuleId=")) {
                return new ModuleClient(s.connectionString(), s.protocol().sdk, options.build());
            }
            return new DeviceClient(s.connectionString(), s.protocol().sdk, options.build());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("iothub-connection-string: " + Secrets.redact(e.getMessage()));
        }
    }

    /**
     * A module client from the environment IoT Edge gives a module: {@code EdgeHubConnectionString}
     * (+ {@code EdgeModuleCACertificateFile}), or the {@code IOTEDGE_*} variables with the workload
     * API (token signing and trust bundle over its unix socket). The SDK reads the process
     * environment itself.
     */
    public static ModuleClient edgeModule(HubSettings s) throws IOException {
        try {
            return ModuleClient.createFromEnvironment(new JdkUnixDomainSocketChannel(), s.protocol().sdk,
                    baseOptions().build());
        } catch (Exception e) {
            throw new IOException("cannot create the IoT Edge module client from the environment: "
                    + Secrets.describe(e), null);
        }
    }

    /**
     * Options for every client. The SDK's send and receive threads poll their queues every 10 ms by
     * default; the sink keeps one message in flight, so each message waited up to two such periods
     * (about 34 messages/s here). A shorter period drains a backlog after an outage faster.
     */
    public static ClientOptions.ClientOptionsBuilder baseOptions() {
        return ClientOptions.builder().sendInterval(SEND_INTERVAL_MS).receiveInterval(SEND_INTERVAL_MS);
    }

    static final int SEND_INTERVAL_MS = Integer.getInteger("edgelens.iothub.sdkIntervalMs", 2);

    /** The client for {@code s} in this environment, or null when IoT Hub is off. */
    public static InternalClient create(HubSettings s, java.util.Map<String, String> env) throws IOException {
        return switch (s.effectiveMode(env)) {
            case EDGE -> edgeModule(s);
            case DEVICE -> device(s);
            case OFF, AUTO -> null;
        };
    }

    /** An SSLContext trusting exactly the certificates in a PEM file. */
    static SSLContext trusting(Path pemFile) throws IOException {
        try (InputStream in = Files.newInputStream(pemFile)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IOException("iothub-ca-file: " + pemFile + " holds no PEM certificate");
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLSv1.2");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("iothub-ca-file: cannot use " + pemFile + ": " + e.getMessage(), e);
        }
    }
}
