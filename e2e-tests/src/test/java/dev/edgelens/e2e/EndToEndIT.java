package dev.edgelens.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgelens.edge.iothub.TestHub;
import dev.edgelens.inference.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole system as a user deploys it: RTSP camera (GStreamer's server playing a video made from
 * the shared photos) -> capture process -> frame ring -> inference process -> IoT Hub device SDK ->
 * TLS MQTT broker -> hub-side subscriber. Asserts the classifications the hub receives follow the
 * scenes of the video, and reports the bytes sent upstream against the bytes of video streamed.
 *
 * <p>Event policy: a label must hold for a few consecutive classified frames (hysteresis) and
 * classification events are at least 1 s apart. Each scene lasts 8-10 s, far longer than either
 * even when a loaded machine classifies only a couple of frames a second, so every scene must
 * produce its event and no scene can be hidden by the policy; a single odd frame cannot produce one.
 */
class EndToEndIT {

    /** Only these may come between classifications (none of them is a classification). */
    private static final Set<String> ALLOWED_TYPES = Set.of("classification", "heartbeat", "source-state",
            "model-changed");

    @TempDir
    Path tmp;

    @Test
    void mobileNetSeesCatThenCoffeeThenCatAgain() throws Exception {
        Path models = Files.createDirectories(tmp.resolve("models"));
        // The sidecar of docs/models.md (ImageNet preprocessing, logits -> softmax).
        TestSupport.installModel(models, "mobilenetv2-12-int8.onnx", "mobilenetv2-12-int8",
                "imagenet-synset-labels.txt", """
                        {"colorOrder": "RGB", "resize": "crop", "resizeShort": 256, "scale": 0.00392156862745098,
                         "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "softmax": true}
                        """);
        // ImageNet 281-285: tabby, tiger cat, Persian, Siamese, Egyptian cat; 967 espresso, 968 cup.
        Function<JsonNode, String> scene = top -> {
            int i = top.path("index").asInt(-1);
            return i >= 281 && i <= 285 ? "cat" : i == 967 || i == 968 ? "coffee" : null;
        };
        run("mobilenet", SceneVideo::catCoffeeCat, models, 3, scene);
    }

    @Test
    void cameraHealthSeesOkDarkOkBlurredOk() throws Exception {
        Path models = Files.createDirectories(tmp.resolve("models"));
        Path shipped = Program.projectRoot().resolve("models");
        for (String f : List.of("camera-health.onnx", "camera-health.json", "camera-health.labels.txt")) {
            Files.copy(shipped.resolve(f), models.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        // Its labels are the scene names; anything else (overexposed, covered) is a wrong answer.
        Function<JsonNode, String> scene = top -> {
            String label = top.path("label").asText();
            return Set.of("ok", "dark", "blurred").contains(label) ? label : null;
        };
        run("health", SceneVideo::okDarkOkBlurredOk, models, 3, scene);
    }

    /** Makes the test video in a folder. */
    interface VideoMaker {
        SceneVideo make(Path dir) throws IOException;
    }

    private void run(String name, VideoMaker videoMaker, Path models, int hysteresisFrames,
                     Function<JsonNode, String> sceneOf) throws Exception {
        try (Pipeline p = new Pipeline(tmp, name)) {
            SceneVideo video = videoMaker.make(tmp);
            List<String> expected = video.scenes();
            p.progress("video made: " + video.frames() + " frames, " + Files.size(video.h264()) + " bytes");
            p.startHub();
            p.startCamera(video);
            // Inference first and ready (model loaded, hub connected), so the first scene is not missed.
            p.startInference(models, List.of("--hysteresis-frames=" + hysteresisFrames, "--min-interval=1s",
                    "--min-confidence=0.3", "--heartbeat=10s"));
            p.startCapture();

            // The whole video once (the last scene equals the first, so the server's loop adds no change).
            long frames = video.frames();
            Duration guard = Duration.ofSeconds(frames / video.fps() + 120);
            p.awaitFramesAndEvents(frames,
                    e -> HubEvents.scenes(HubEvents.sceneChanges(e.classifications(sceneOf))).size() >= expected.size(),
                    e -> isPrefix(HubEvents.scenes(HubEvents.sceneChanges(e.classifications(sceneOf))), expected),
                    guard);
            int captureStatus = p.stopCapture();
            HubEvents events = p.received();
            checkTwin(p.hub());
            int inferenceStatus = p.stopInference();
            String context = "\nevents at the hub:\n" + events.timeline();

            // The order of what the hub received: the scenes of the video, nothing else in between.
            List<HubEvents.Classification> cls = events.classifications(sceneOf);
            for (HubEvents.Classification c : cls) {
                assertTrue(c.scene() != null, "classification '" + c.label() + "' (#" + c.index()
                        + ") is none of the video's scenes" + context);
            }
            for (JsonNode e : events.events) {
                assertTrue(ALLOWED_TYPES.contains(e.path("type").asText()), "unexpected event " + e + context);
            }
            List<HubEvents.Classification> changes = HubEvents.sceneChanges(cls);
            assertEquals(expected, HubEvents.scenes(changes), "scene order at the hub" + context);
            // They track the video: one scene change per scene length of frames (loose: detection lags
            // by a few classified frames, more on a loaded machine), and frames only move forward.
            for (int i = 1; i < changes.size(); i++) {
                long gap = changes.get(i).frameSequence() - changes.get(i - 1).frameSequence();
                assertTrue(Math.abs(gap - video.framesPerScene()) <= video.framesPerScene() / 2, "scene change "
                        + i + " came " + gap + " frames after the previous one; each scene is "
                        + video.framesPerScene() + " frames" + context);
            }
            for (int i = 1; i < cls.size(); i++) {
                assertTrue(cls.get(i).frameSequence() > cls.get(i - 1).frameSequence(),
                        "classifications out of frame order" + context);
            }
            assertTrue(events.ofType("heartbeat").stream()
                            .anyMatch(h -> h.path("counters").path("framesProcessed").asLong() > 0),
                    "no heartbeat reporting classified frames" + context);
            for (TestHub.Telemetry t : events.messages) {
                JsonNode body = t.bodyJson();
                assertEquals(body.path("type").asText(), t.properties().get("eventType"), "eventType property");
                assertEquals("application/json", t.properties().get("$.ct"), "content type of " + t.topic());
            }
            assertTrue(p.sasAccepted() > 0 && p.sasRejected() == 0, "the broker checks the device's SAS tokens:"
                    + " accepted " + p.sasAccepted() + ", rejected " + p.sasRejected());
            // Stopped by SIGTERM within the timeout (Program.stop fails otherwise), with the JVM's status for
            // a signal (143) or 0, and the ring marked closed (the hub saw it): a clean stop.
            assertTrue(captureStatus == 143 || captureStatus == 0, "capture exit status " + captureStatus + p.logs());
            assertTrue(inferenceStatus == 143 || inferenceStatus == 0, "inference exit status " + inferenceStatus
                    + p.logs());

            report(name, video, events, p.framesPublished());
        }
    }

    /**
     * The running inference program's module twin and direct methods over its one IoT Hub connection: status
     * through getStatus, a desired patch applied live, an invalid one rejected with the reason reported.
     */
    private static void checkTwin(TestHub hub) throws Exception {
        Duration wait = Duration.ofSeconds(60);
        TestHub.MethodResult status = hub.invokeMethod("getStatus", null, wait);
        assertEquals(200, status.status(), status.payload().toString());
        assertFalse(status.payload().path("activeModel").path("name").asText().isEmpty(), status.payload().toString());
        assertTrue(status.payload().path("framesProcessed").asLong() > 0, status.payload().toString());
        assertEquals("CONNECTED", status.payload().path("iothub").path("connection").path("status").asText());
        hub.sendDesiredPatch("{\"min-confidence\": 0.45}");
        hub.awaitReported(n -> n.path("configStatus").path("status").asText().equals("applied")
                && n.path("config").path("min-confidence").asDouble() == 0.45, wait);
        hub.sendDesiredPatch("{\"top-k\": 0}");
        JsonNode r = hub.awaitReported(n -> n.path("configStatus").path("status").asText().equals("rejected"), wait);
        assertTrue(r.path("configStatus").path("reason").asText().contains("--top-k"), r.toString());
        assertEquals(0.45, r.path("config").path("min-confidence").asDouble());
    }

    /** Prints the upstream bytes against the video bytes streamed. */
    private static void report(String name, SceneVideo video, HubEvents events, long framesStreamed) {
        // Every frame the server sent was decoded and published (sequence 1, 2, ...), and the server
        // starts each client at the file's first frame: the H.264 bytes of that many frames were streamed
        // (RTP/RTSP overhead not counted).
        long videoBytes = video.bytesOfFirst(framesStreamed);
        long body = events.bodyBytes();
        long topic = events.topicBytes();
        System.out.printf("%n[e2e %s] events at the hub:%n%s", name, events.timeline());
        System.out.printf("[e2e %s] video streamed: %d frames (%.1f s of %dx%d H.264 at %d fps) = %,d bytes;"
                        + " upstream: %d messages (%d events) = %,d body bytes + %,d topic/property bytes = %,d bytes"
                        + " = %.2f%% of the video%n", name, framesStreamed, framesStreamed / (double) video.fps(),
                SceneVideo.WIDTH, SceneVideo.HEIGHT, video.fps(), videoBytes, events.messages.size(), events.events.size(),
                body, topic, body + topic, 100.0 * (body + topic) / videoBytes);
    }

    private static boolean isPrefix(List<String> seen, List<String> expected) {
        return seen.size() <= expected.size() && expected.subList(0, seen.size()).equals(seen);
    }
}
