package dev.edgelens.edge.iothub;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.messages.InterceptPublishMessage;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.ssl.SslContextBuilder;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Properties;

/**
 * A real MQTT broker (Moquette, embedded) with TLS on 127.0.0.1:8883 standing in for IoT Hub.
 *
 * <p>The SDK connects with clean session off and expects the hub to keep its subscriptions across
 * reconnects, as IoT Hub does, so the broker persists sessions, subscriptions and queues under
 * {@code dataDir}: {@link #stop()} followed by {@link #start()} behaves like a hub outage, and a new
 * {@code dataDir} per test gives fresh state. Telemetry to Moquette's authors is switched off (tests
 * talk only to 127.0.0.1). Port 8883 is fixed by the SDK, so tests using it cannot run in parallel.
 */
public final class TestBroker implements AutoCloseable {

    public static final int PORT = 8883;
    public static final int WSS_PORT = 443;

    private final Path dataDir;
    private final TestPki pki;
    private final SasVerifier verifier;
    private Server server;
    private boolean webSocket;
    private PortLock portLock;
    private final List<TestHub.Telemetry> accepted = new ArrayList<>();

    /** Also serve MQTT over secure WebSocket on 443 (needs root or CAP_NET_BIND_SERVICE). */
    public TestBroker withWebSocket() {
        webSocket = true;
        return this;
    }

    public TestBroker(Path dataDir, TestPki pki) {
        this(dataDir, pki, null);
    }

    /** @param verifier checks the SAS tokens of connecting devices and modules; null accepts any */
    public TestBroker(Path dataDir, TestPki pki, SasVerifier verifier) {
        this.dataDir = dataDir;
        this.pki = pki;
        this.verifier = verifier;
    }

    public static TestBroker started(Path dataDir) {
        TestBroker b = new TestBroker(dataDir, TestPki.get());
        b.start();
        return b;
    }

    public synchronized void start() {
        if (server != null) {
            return;
        }
        boolean locked = false;
        if (portLock == null) {
            portLock = PortLock.acquire();
            locked = true;
            // a process without the lock (an older checkout's tests) may still hold the port
            PortLock.awaitFree(PORT);
            if (webSocket) {
                PortLock.awaitFree(WSS_PORT);
            }
        }
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", "disabled");
        p.setProperty("ssl_port", Integer.toString(PORT));
        p.setProperty("allow_anonymous", "true");
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("persistence_enabled", "true");
        p.setProperty("data_path", dataDir.toAbsolutePath().toString());
        p.setProperty("persistent_queue_type", "h2");
        // Flush every write: the restart test must not lose what the broker acknowledged.
        p.setProperty("buffer_flush_millis", "0");
        p.setProperty("immediate_buffer_flush", "true");
        // IoT Hub accepts 256 KB messages; the default Netty limit here is 8 KB.
        p.setProperty("netty.mqtt.message_size", Integer.toString(300 * 1024));
        p.setProperty("netty.epoll", "false");
        p.setProperty("intercept.thread_pool.size", "1"); // keeps the accepted() record in arrival order
        if (webSocket) {
            // MQTT over WebSocket as IoT Hub serves it: wss://host:443/$iothub/websocket (port fixed by the SDK)
            p.setProperty("secure_websocket_port", Integer.toString(WSS_PORT));
            // Netty matches the whole request URI, and the SDK adds this query for SAS-token clients
            p.setProperty("websocket_path", "/$iothub/websocket?iothub-no-client-cert=true");
        }
        Server s = new Server();
        try {
            s.startServer(new MemoryConfig(p), List.of(new Recorder()), () -> {
                try {
                    return SslContextBuilder.forServer(pki.serverKeys.getPrivate(), pki.serverCert, pki.caCert).build();
                } catch (Exception e) {
                    throw new IllegalStateException("broker TLS context", e);
                }
            }, verifier, null);
        } catch (IOException | RuntimeException e) {
            if (locked) {
                portLock.close();
                portLock = null;
            }
            throw new IllegalStateException("cannot start the test broker on 127.0.0.1:" + PORT, e);
        }
        server = s;
    }

    /**
     * Records every telemetry message the broker accepted from a device or module (what IoT Hub
     * would have acknowledged), across restarts. Used where the broker restarts: a hub client can
     * miss a message that was on its way to it when the broker stopped (Moquette does not keep
     * unacknowledged deliveries over a restart), which says nothing about the device side.
     */
    private final class Recorder extends AbstractInterceptHandler {
        @Override
        public String getID() {
            return "edgelens-test-recorder";
        }

        @Override
        public void onPublish(InterceptPublishMessage msg) {
            String topic = msg.getTopicName();
            int at = topic.indexOf("/messages/events/");
            if (!topic.startsWith("devices/") || at < 0) {
                return;
            }
            TestHub.Telemetry t = new TestHub.Telemetry(topic,
                    TestHub.parseProperties(topic.substring(at + "/messages/events/".length())),
                    ByteBufUtil.getBytes(msg.getPayload()));
            synchronized (accepted) {
                accepted.add(t);
                accepted.notifyAll();
            }
        }

        @Override
        public void onSessionLoopError(Throwable error) {
        }
    }

    /** Telemetry accepted so far, in arrival order. */
    public List<TestHub.Telemetry> accepted() {
        synchronized (accepted) {
            return List.copyOf(accepted);
        }
    }

    /** Waits until at least {@code count} telemetry messages were accepted; fails after {@code timeout}. */
    public List<TestHub.Telemetry> awaitAccepted(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (accepted) {
            while (accepted.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " telemetry messages accepted by the broker within "
                            + timeout + ", got " + accepted.size());
                }
                TimeUnit.NANOSECONDS.timedWait(accepted, left);
            }
            return List.copyOf(accepted);
        }
    }

    public synchronized void stop() {
        if (server != null) {
            server.stopServer();
            server = null;
        }
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Stops the broker and lets other test processes have port 8883. */
    @Override
    public synchronized void close() {
        stop();
        if (portLock != null) {
            portLock.close();
            portLock = null;
        }
    }
}
