package dev.edgelens.inference.iothub;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import dev.edgelens.edge.iothub.HubClients;
import dev.edgelens.edge.iothub.HubConnection;
import dev.edgelens.edge.iothub.TestBroker;
import dev.edgelens.edge.iothub.TestHub;
import dev.edgelens.edge.iothub.TestPki;
import dev.edgelens.inference.event.Event;
import dev.edgelens.inference.event.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** MQTT over WebSocket (for networks that only allow 443) through the same sink. */
class WebSocketTransportTest {

    @TempDir
    Path tmp;

    @Test
    void eventsArriveOverMqttOverWebSocket() throws Exception {
        // the SDK fixes port 443; binding it needs root (as here and in CI) or CAP_NET_BIND_SERVICE
        try (java.net.ServerSocket probe = new java.net.ServerSocket(TestBroker.WSS_PORT, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            probe.close();
        } catch (java.net.BindException e) {
            // "in use" is another test process: the broker waits for it; "permission denied" is not root
            if (String.valueOf(e.getMessage()).contains("ermission")) {
                org.junit.jupiter.api.Assumptions.abort("cannot bind 127.0.0.1:443 (" + e.getMessage()
                        + "): MQTT over WebSocket not tested");
            }
        }
        try (TestBroker broker = new TestBroker(tmp.resolve("broker"), TestPki.get()).withWebSocket()) {
            broker.start();
            try (TestHub hub = TestHub.connect()) {
                DeviceClient client = new DeviceClient(IotHubSinkTest.CONNECTION_STRING, IotHubClientProtocol.MQTT_WS,
                        HubClients.baseOptions().sslContext(TestPki.get().clientContext()).build());
                IotHubSink sink = new IotHubSink(new HubConnection(client, "events"),
                        Outbox.open(tmp.resolve("outbox"), 1 << 20, Outbox.FsyncPolicy.NONE), 4096, Duration.ofSeconds(1));
                try {
                    Event e = TestEvents.classification("cam-ws", 1, "tabby");
                    sink.publish(Message.of(e));
                    List<TestHub.Telemetry> got = hub.awaitTelemetry(1, Duration.ofSeconds(30));
                    assertEquals(e.id(), got.get(0).properties().get("$.mid"));
                    assertEquals("cam-ws", got.get(0).properties().get("cameraId"));
                } finally {
                    sink.close();
                }
            }
        }
    }
}
