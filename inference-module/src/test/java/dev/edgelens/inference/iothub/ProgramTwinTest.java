package dev.edgelens.inference.iothub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgelens.edge.iothub.HubConnection;
import dev.edgelens.edge.iothub.TestBroker;
import dev.edgelens.edge.iothub.TestHub;
import dev.edgelens.inference.TestProgram;
import dev.edgelens.inference.event.EventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real program's twin and direct methods through the real SDK against the test hub (TLS MQTT
 * broker): the inference program ({@link TestProgram}: real models, a real ring) is controlled by
 * desired properties and methods, as InferenceMain wires it.
 */
@Timeout(240)
class ProgramTwinTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @Test
    void desiredPropertiesAndMethodsDriveTheRunningProgram() throws Exception {
        try (TestBroker broker = TestBroker.started(tmp.resolve("broker"));
             TestHub hub = TestHub.connect();
             TestProgram program = new TestProgram(tmp)) {
            hub.setDesired("{\"top-k\": 4, \"heartbeat\": \"150ms\"}");
            IotHub iothub = IotHub.wire(new HubConnection(IotHubSinkTest.deviceClient(), "events"),
                    Outbox.open(tmp.resolve("outbox"), 1 << 20, Outbox.FsyncPolicy.NONE), 4096, Duration.ofSeconds(1),
                    program.control);
            try {
                // on connect: the desired document is applied to the program and reported
                JsonNode r = hub.awaitReported(n -> n.path("configStatus").path("status").asText().equals("applied")
                        && n.path("config").path("top-k").asInt() == 4, WAIT);
                assertEquals("150ms", r.path("config").path("heartbeat").asText());
                assertEquals("mobilenet", r.path("config").path("model").asText());
                program.sink.await(e -> e.type() == EventType.HEARTBEAT && "cam1".equals(e.cameraId())
                        && e.topK() != null && e.topK().size() == 4, 30_000, "heartbeats with the desired top-4");
                r = hub.awaitReported(n -> n.path("status").path("activeModel").path("name").asText().equals("mobilenet")
                        && n.path("status").path("framesPerSecond").asDouble() > 0, WAIT);
                JsonNode status = r.path("status");
                assertEquals(64, status.path("activeModel").path("sha256").asText().length());
                assertEquals("cpu", status.path("executionProvider").asText());
                assertEquals("live", status.path("cameras").path("cam1").path("writer").asText());
                assertEquals("no-ring", status.path("cameras").path("cam2").path("state").asText());
                assertEquals("dev", status.path("version").asText());
                assertEquals("CONNECTED", status.path("iothub").path("connection").path("status").asText());

                // an invalid patch is rejected whole, with the reason; the program keeps top-4
                hub.sendDesiredPatch("{\"top-k\": 2, \"min-confidence\": 1.7}");
                r = hub.awaitReported(n -> n.path("configStatus").path("status").asText().equals("rejected"), WAIT);
                assertTrue(r.path("configStatus").path("reason").asText().contains("--min-confidence"), r.toString());
                assertEquals(4, r.path("config").path("top-k").asInt());
                assertEquals(4, program.control.effectiveSettings().get("top-k"));
                hub.sendDesiredPatch("{\"models-dir\": \"/elsewhere\"}");
                r = hub.awaitReported(n -> n.path("configStatus").path("reason").asText().contains("models-dir"), WAIT);
                assertTrue(r.path("configStatus").path("reason").asText().contains("requires a restart"), r.toString());
                hub.sendDesiredPatch("{\"model\": \"nope\"}");
                hub.awaitReported(n -> n.path("configStatus").path("reason").asText().contains("no model 'nope'"), WAIT);

                // a valid model patch switches the running model
                hub.sendDesiredPatch("{\"model\": \"mnist\"}");
                r = hub.awaitReported(n -> n.path("configStatus").path("status").asText().equals("applied")
                        && n.path("config").path("model").asText().equals("mnist"), WAIT);
                program.sink.await(e -> e.type() == EventType.MODEL_CHANGED && "mnist".equals(e.model().name()),
                        10_000, "model-changed to mnist");

                // direct methods
                TestHub.MethodResult got = hub.invokeMethod("getStatus", null, WAIT);
                assertEquals(200, got.status());
                assertEquals("mnist", got.payload().path("activeModel").path("name").asText());
                TestHub.MethodResult set = hub.invokeMethod("setModel", "{\"model\": \"mobilenet\"}", WAIT);
                assertEquals(200, set.status(), set.payload().toString());
                assertEquals("mobilenet", set.payload().path("model").asText());
                TestHub.MethodResult bad = hub.invokeMethod("setModel", "{\"model\": \"yolox\"}", WAIT);
                assertEquals(400, bad.status());
                assertTrue(bad.payload().path("error").asText().contains("is not a class-score vector"),
                        bad.payload().toString());
                assertEquals("mobilenet", hub.invokeMethod("getStatus", "{}", WAIT).payload()
                        .path("activeModel").path("name").asText());

                TestHub.MethodResult snap = hub.invokeMethod("snapshot", "{\"cameraId\": \"cam1\"}", WAIT);
                assertEquals(200, snap.status(), snap.payload().toString());
                BufferedImage img = ImageIO.read(Path.of(snap.payload().path("path").asText()).toFile());
                assertNotNull(img, "a readable JPEG on the device");
                assertEquals(451, img.getWidth());
                int top = snap.payload().path("classification").path(0).path("index").asInt();
                assertTrue(top >= 281 && top <= 285, "chelsea is a cat: " + snap.payload());
                TestHub.MethodResult noCam = hub.invokeMethod("snapshot", "{\"cameraId\": \"cam9\"}", WAIT);
                assertEquals(400, noCam.status());
                assertTrue(noCam.payload().path("error").asText().contains("unknown camera 'cam9'"));
                TestHub.MethodResult unknown = hub.invokeMethod("reboot", "{}", WAIT);
                assertEquals(400, unknown.status());
                assertTrue(unknown.payload().path("error").asText().startsWith("unknown method 'reboot'"));
            } finally {
                iothub.close();
            }
        }
    }
}
