package dev.edgelens.inference.iothub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgelens.edge.iothub.HubConnection;
import dev.edgelens.edge.iothub.TestBroker;
import dev.edgelens.edge.iothub.TestHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Module twin and direct methods through the real SDK, against the test hub. */
class TwinAndMethodsTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private TestBroker broker;
    private TestHub hub;
    private IotHub iothub;
    private TestControl control;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.started(tmp.resolve("broker"));
        hub = TestHub.connect();
        hub.setDesired("{\"threshold\": 0.6, \"top-k\": 4}");
        control = new TestControl(tmp.resolve("snapshots"));
        iothub = IotHub.wire(new HubConnection(IotHubSinkTest.deviceClient(), "events"),
                Outbox.open(tmp.resolve("outbox"), 1 << 20, Outbox.FsyncPolicy.NONE), 4096, Duration.ofSeconds(2),
                control);
    }

    @AfterEach
    void stop() {
        iothub.close();
        hub.close();
        broker.close();
    }

    @Test
    void desiredPropertiesApplyLiveInvalidPatchesAreRejectedWholeWithTheReasonAndStatusIsReported() throws Exception {
        // on connect: the desired document is read and applied, config and status reported
        JsonNode r = hub.awaitReported(n -> n.path("configStatus").path("status").asText().equals("applied")
                && n.path("config").path("top-k").asInt() == 4, WAIT);
        assertEquals(0.6, r.path("config").path("threshold").asDouble());
        assertEquals("mobilenetv2-12-int8", r.path("status").path("activeModel").path("name").asText());
        assertEquals("streaming", r.path("status").path("cameras").path("cam-1").path("state").asText());
        assertEquals("CONNECTED", r.path("status").path("iothub").path("connection").path("status").asText());
        assertTrue(r.path("status").has("framesPerSecond") && r.path("status").has("version"));

        hub.sendDesiredPatch("{\"top-k\": 7, \"heartbeat\": \"PT30S\"}");
        r = hub.awaitReported(n -> n.path("config").path("top-k").asInt() == 7, WAIT);
        assertEquals("PT30S", r.path("config").path("heartbeat").asText());
        assertEquals(7, control.effectiveSettings().get("top-k"), "applied live");
        int applied = r.path("configStatus").path("desiredVersion").asInt();

        // one bad value rejects the whole patch: top-k stays 7
        hub.sendDesiredPatch("{\"top-k\": 2, \"threshold\": 1.7}");
        r = hub.awaitReported(n -> n.path("configStatus").path("status").asText().equals("rejected"), WAIT);
        assertTrue(r.path("configStatus").path("reason").asText().contains("threshold: 1.7 is out of range"),
                r.toString());
        assertTrue(r.path("configStatus").path("desiredVersion").asInt() > applied);
        assertEquals(7, r.path("config").path("top-k").asInt());
        assertEquals(7, control.effectiveSettings().get("top-k"));

        hub.sendDesiredPatch("{\"model\": \"yolox-nano\"}");
        r = hub.awaitReported(n -> n.path("configStatus").path("reason").asText().contains("yolox-nano"), WAIT);
        assertEquals("rejected", r.path("configStatus").path("status").asText());

        hub.sendDesiredPatch("{\"threshold\": {\"value\": 0.3}}");
        r = hub.awaitReported(n -> n.path("configStatus").path("reason").asText().contains("expected a single value"), WAIT);
        assertEquals(0.6, control.effectiveSettings().get("threshold"));

        // and a good patch after rejections applies and clears the reason
        hub.sendDesiredPatch("{\"threshold\": 0.25}");
        r = hub.awaitReported(n -> n.path("configStatus").path("status").asText().equals("applied")
                && n.path("config").path("threshold").asDouble() == 0.25, WAIT);
        assertFalse(r.path("configStatus").has("reason"), r.toString());
        assertFalse(hub.reported().toString().contains(IotHubSinkTest.KEY));
    }

    @Test
    void directMethodsAnswerAndUnknownMethodsOrBadPayloadsGet400() throws Exception {
        hub.awaitReported(n -> n.has("config"), WAIT); // connected and subscribed

        TestHub.MethodResult status = hub.invokeMethod("getStatus", null, WAIT);
        assertEquals(200, status.status());
        assertEquals("mobilenetv2-12-int8", status.payload().path("activeModel").path("name").asText());
        assertEquals("CONNECTED", status.payload().path("iothub").path("connection").path("status").asText());

        TestHub.MethodResult set = hub.invokeMethod("setModel", "{\"model\": \"mnist-12\"}", WAIT);
        assertEquals(200, set.status());
        assertEquals("mnist-12", hub.invokeMethod("getStatus", "{}", WAIT).payload()
                .path("activeModel").path("name").asText());

        TestHub.MethodResult unknownModel = hub.invokeMethod("setModel", "{\"model\": \"nope\"}", WAIT);
        assertEquals(400, unknownModel.status());
        assertTrue(unknownModel.payload().path("error").asText().contains("no model 'nope'"));
        TestHub.MethodResult noPayload = hub.invokeMethod("setModel", null, WAIT);
        assertEquals(400, noPayload.status());
        assertTrue(noPayload.payload().path("error").asText().contains("needs a payload like"));
        assertEquals(400, hub.invokeMethod("setModel", "{\"model\": 3}", WAIT).status());

        TestHub.MethodResult snap = hub.invokeMethod("snapshot", "{\"cameraId\": \"cam-1\"}", WAIT);
        assertEquals(200, snap.status());
        Path jpeg = Path.of(snap.payload().path("path").asText());
        byte[] head = Files.readAllBytes(jpeg);
        assertTrue(head.length > 2 && (head[0] & 0xff) == 0xFF && (head[1] & 0xff) == 0xD8, "a JPEG file");
        assertEquals("black", snap.payload().path("classification").path("label").asText());
        assertEquals(400, hub.invokeMethod("snapshot", "{\"cameraId\": \"cam-9\"}", WAIT).status());

        TestHub.MethodResult unknown = hub.invokeMethod("reboot", "{}", WAIT);
        assertEquals(400, unknown.status());
        assertEquals("unknown method 'reboot'; expected one of getStatus, setModel, snapshot",
                unknown.payload().path("error").asText());
    }
}
