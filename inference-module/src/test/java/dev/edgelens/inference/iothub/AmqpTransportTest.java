package dev.edgelens.inference.iothub;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import dev.edgelens.edge.iothub.AmqpTestHub;
import dev.edgelens.edge.iothub.HubClients;
import dev.edgelens.edge.iothub.HubConnection;
import dev.edgelens.edge.iothub.TestPki;
import dev.edgelens.inference.event.Event;
import dev.edgelens.inference.event.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sink over AMQP (--iothub-protocol amqp) with the real SDK, against {@link AmqpTestHub}: TLS, SAS token
 * through claims-based security, telemetry with its properties, to a device and to a module output.
 */
@Timeout(120)
class AmqpTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void eventsArriveOverAmqpWithTheirPropertiesForADeviceAndAModuleOutput() throws Exception {
        try (AmqpTestHub hub = AmqpTestHub.start()) {
            DeviceClient device = new DeviceClient(IotHubSinkTest.CONNECTION_STRING, IotHubClientProtocol.AMQPS,
                    HubClients.baseOptions().sslContext(TestPki.get().clientContext()).build());
            IotHubSink sink = new IotHubSink(new HubConnection(device, "events"),
                    Outbox.open(tmp.resolve("outbox"), 1 << 20, Outbox.FsyncPolicy.NONE), 4096, Duration.ofSeconds(1));
            Event first = TestEvents.classification("cam-amqp", 1, "tabby");
            Event second = TestEvents.heartbeat("cam-amqp", 2);
            try {
                sink.publish(Message.of(first));
                sink.publish(Message.of(second));
                List<AmqpTestHub.Received> got = hub.awaitReceived(2, WAIT);
                AmqpTestHub.Received a = got.get(0);
                assertEquals("/devices/cam-edge-1/messages/events", a.address());
                assertEquals(first.id(), a.messageId());
                assertEquals("application/json", a.contentType());
                assertEquals("utf-8", a.contentEncoding());
                assertEquals("classification", a.properties().get("eventType"));
                assertEquals("cam-amqp", a.properties().get("cameraId"));
                assertEquals("tabby", a.properties().get("topLabel"));
                assertTrue(a.body().contains("\"id\":\"" + first.id() + "\""), a.body());
                assertEquals(second.id(), got.get(1).messageId(), "in order");
                assertEquals("heartbeat", got.get(1).properties().get("eventType"));
                assertTrue(hub.tokenAudiences().contains("127.0.0.1/devices/cam-edge-1"), hub.tokenAudiences().toString());
                long deadline = System.nanoTime() + WAIT.toNanos(); // the acknowledgement follows the recording
                while (sink.outbox().stats().pending() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(0, sink.outbox().stats().pending(), "acknowledged messages leave the outbox");
            } finally {
                sink.close();
            }

            ModuleClient module = new ModuleClient(IotHubSinkTest.CONNECTION_STRING + ";ModuleId=inference",
                    IotHubClientProtocol.AMQPS, HubClients.baseOptions().sslContext(TestPki.get().clientContext()).build());
            IotHubSink moduleSink = new IotHubSink(new HubConnection(module, "events"),
                    Outbox.open(tmp.resolve("module-outbox"), 1 << 20, Outbox.FsyncPolicy.NONE), 4096,
                    Duration.ofSeconds(1));
            try {
                Event e = TestEvents.classification("cam-amqp", 3, "espresso");
                moduleSink.publish(Message.of(e));
                AmqpTestHub.Received m = hub.awaitReceived(3, WAIT).get(2);
                assertEquals("/devices/cam-edge-1/modules/inference/messages/events", m.address());
                assertEquals(e.id(), m.messageId());
                assertEquals("events", m.properties().get("iothub-outputname"), m.properties() + " " + m.annotations());
            } finally {
                moduleSink.close();
            }
        }
    }
}
