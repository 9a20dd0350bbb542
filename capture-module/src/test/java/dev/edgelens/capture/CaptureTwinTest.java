package dev.edgelens.capture;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgelens.edge.iothub.SasVerifier;
import dev.edgelens.edge.iothub.TestBroker;
import dev.edgelens.edge.iothub.TestHub;
import dev.edgelens.edge.iothub.TestPki;
import dev.edgelens.ring.Frame;
import dev.edgelens.ring.FrameRingReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The capture program's module twin, end to end: the real program as a process, connected through the Azure IoT
 * device SDK with a module identity connection string to a TLS MQTT broker standing in for IoT Hub (every SAS
 * token checked against the module key), a test-side client playing the hub, and two real RTSP cameras.
 */
@Timeout(240)
class CaptureTwinTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String KEY = "Y2FwdHVyZS10d2luLXRlc3Qta2V5LW5vdC1hLXNlY3JldA==";
    private static final String CONNECTION_STRING =
            "HostName=127.0.0.1;DeviceId=edge-1;ModuleId=capture;SharedAccessKey=" + KEY;

    @TempDir
    Path dir;

    @Test
    void desiredSourceSwitchesCameraWithoutRestartBadPatchesAreRejectedAndStatusIsReported() throws Exception {
        Path ring = dir.resolve("twin.ring");
        SasVerifier verifier = new SasVerifier(Map.of("edge-1/capture", KEY));
        try (RtspServer first = RtspServer.h264(TestVideos.solid());
             RtspServer second = RtspServer.h264(TestVideos.pattern(640, 360));
             TestBroker broker = new TestBroker(dir.resolve("broker"), TestPki.get(), verifier);
             TestHub hub = startHub(broker)) {
            hub.setDesired("{\"max-fps\": 12, \"rtsp-transport\": \"tcp\"}");
            Path ca = TestPki.get().writeCaPem(dir.resolve("ca.pem"));
            try (CaptureProcess p = CaptureProcess.start(dir, List.of(),
                    Map.of("EDGELENS_IOTHUB_CONNECTION_STRING", CONNECTION_STRING),
                    "--camera-id=twin", "--source=" + first.url(), "--ring=" + ring, "--stall-timeout=3s",
                    "--iothub-mode=device", "--iothub-ca-file=" + ca, "--iothub-report-interval=PT1S");
                 FrameRingReader reader = FrameRingReader.open(ring, WAIT)) {
                Frame frame = new Frame();
                assertTrue(awaitWidth(reader, frame, TestVideos.WIDTH), p.output());
                long pid = p.process.pid();

                // on connect the desired document is applied and everything reported
                JsonNode r = hub.awaitReported(n -> n.path("configStatus").path("status").asText().equals("applied")
                        && n.path("status").path("state").asText().equals("STREAMING"), WAIT);
                assertEquals("12.0", r.path("config").path("max-fps").asText());
                assertEquals(first.url(), r.path("config").path("source").asText());
                assertEquals("twin", r.path("status").path("cameraId").asText());
                assertEquals("CONNECTED", r.path("status").path("iothub").path("connection").path("status").asText());
                assertTrue(r.path("status").has("framesPerSecond") && r.path("status").has("version"), r.toString());

                // a new camera URL: the same process reconnects to it
                hub.sendDesiredPatch("{\"source\": \"" + second.url("viewer:twin-s3cret", "/stream") + "\"}");
                assertTrue(awaitWidth(reader, frame, 640), "no frame from the new source: " + p.output());
                assertEquals(360, frame.height());
                r = hub.awaitReported(n -> n.path("status").path("settingsReconnects").asInt() == 1
                        && n.path("status").path("geometry").asText().equals("640x360"), WAIT);
                assertEquals("rtsp://***@127.0.0.1:" + second.port() + "/stream",
                        r.path("config").path("source").asText());
                assertEquals(pid, p.process.pid());
                assertTrue(p.process.isAlive());

                // invalid value or restart-only option: rejected whole, reason reported, camera unchanged
                hub.sendDesiredPatch("{\"max-fps\": 5, \"output-size\": \"641x360\"}");
                r = hub.awaitReported(n -> n.path("configStatus").path("status").asText().equals("rejected"), WAIT);
                assertTrue(r.path("configStatus").path("reason").asText().contains("--output-size"), r.toString());
                assertEquals("12.0", r.path("config").path("max-fps").asText());
                hub.sendDesiredPatch("{\"output-size\": null, \"max-fps\": 12, \"ring-slots\": 3}");
                r = hub.awaitReported(n -> n.path("configStatus").path("reason").asText().contains("ring-slots"), WAIT);
                assertTrue(r.path("configStatus").path("reason").asText().contains("requires a restart"), r.toString());
                long seq = frame.sequence();
                assertTrue(awaitWidth(reader, frame, 640) && frame.sequence() > seq, "capture went on");

                // a good patch after the rejections applies; scaling reconnects once more
                hub.sendDesiredPatch("{\"output-size\": \"320x180\", \"ring-slots\": null}");
                assertTrue(awaitWidth(reader, frame, 320), p.output());
                hub.awaitReported(n -> n.path("configStatus").path("status").asText().equals("applied")
                        && n.path("config").path("output-size").asText().equals("320x180"), WAIT);

                hub.awaitReported(n -> n.path("status").path("settingsReconnects").asInt() == 2
                        && n.path("status").path("state").asText().equals("STREAMING"), WAIT);
                TestHub.MethodResult status = hub.invokeMethod("getStatus", null, WAIT);
                assertEquals(200, status.status());
                assertEquals("STREAMING", status.payload().path("state").asText());
                assertEquals(2, status.payload().path("settingsReconnects").asInt());
                TestHub.MethodResult unknown = hub.invokeMethod("setModel", "{\"model\": \"x\"}", WAIT);
                assertEquals(400, unknown.status());
                assertEquals("unknown method 'setModel'; expected one of getStatus",
                        unknown.payload().path("error").asText());

                assertTrue(verifier.accepted.get() >= 1 && verifier.rejected.get() == 0, "SAS tokens checked");
                String out = p.output();
                assertFalse(out.contains("twin-s3cret"), "camera password in the log");
                assertFalse(out.contains(KEY), "module key in the log");
                assertFalse(hub.reported().toString().contains("twin-s3cret"), "camera password reported");
            }
        }
    }

    private static TestHub startHub(TestBroker broker) throws Exception {
        broker.start();
        return TestHub.connect();
    }

    /** Reads frames until one is {@code width} wide (the reader follows the ring when capture re-creates it). */
    private static boolean awaitWidth(FrameRingReader reader, Frame frame, int width) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (reader.readLatest(frame) && frame.width() == width) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }
}
