package dev.edgelens.inference.engine;

import dev.edgelens.inference.TestSupport;
import dev.edgelens.inference.TestSupport.CollectingSink;
import dev.edgelens.inference.event.Event;
import dev.edgelens.inference.event.EventType;
import dev.edgelens.inference.model.ExecutionProvider;
import dev.edgelens.inference.model.ModelCatalog;
import dev.edgelens.inference.model.ModelLoader;
import dev.edgelens.inference.model.ModelManager;
import dev.edgelens.inference.policy.EventDispatcher;
import dev.edgelens.inference.policy.PolicySettings;
import dev.edgelens.ring.SourceState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole inference path: photos published into real rings, real models, events out. */
@Timeout(120)
class InferenceEngineTest {

    @TempDir
    Path tmp;

    private static boolean isCat(Event e) {
        int top = e.topK().get(0).index();
        return top >= 281 && top <= 285;
    }

    @Test
    void classifiesPhotosFromARingAndReportsCameraStates() throws Exception {
        Path models = Files.createDirectory(tmp.resolve("models"));
        TestSupport.installModel(models, "mobilenetv2-12-int8.onnx", "mobilenet", "imagenet-synset-labels.txt",
                TestSupport.MOBILENET_SIDECAR);
        CollectingSink sink = new CollectingSink();
        Map<String, Path> cams = new LinkedHashMap<>();
        cams.put("missing", tmp.resolve("missing.ring"));
        cams.put("cam1", tmp.resolve("cam1.ring"));
        TestSupport.Bgr chelsea = TestSupport.bgr("chelsea.png");
        TestSupport.Bgr coffee = TestSupport.bgr("coffee.png");
        try (EventDispatcher dispatcher = new EventDispatcher(List.of(sink), 0, 4096, 1000);
             RingPublisher cam1 = new RingPublisher(cams.get("cam1"), "cam1", 600, 400, chelsea, 5);
             InferenceEngine engine = new InferenceEngine(cams,
                     new ModelManager(new ModelCatalog(models, null), new ModelLoader(ExecutionProvider.CPU, 1, 0),
                             100, 50, dispatcher),
                     new PolicySettings(3, 0.0, 2, 0, 700), dispatcher)) {
            engine.start();
            Event changed = sink.await(e -> e.type() == EventType.MODEL_CHANGED, 30_000, "model-changed");
            assertEquals("mobilenet", changed.model().name());
            assertEquals("mobilenet.onnx", changed.file());

            Event cat = sink.await(e -> e.type() == EventType.CLASSIFICATION && "cam1".equals(e.cameraId()),
                    30_000, "a classification of chelsea.png");
            assertTrue(isCat(cat), "chelsea.png top-1 is a cat class: " + cat.topK());
            assertEquals(3, cat.topK().size());
            assertEquals("mobilenet", cat.model().name());
            assertEquals(12, cat.model().sha256().length());
            assertTrue(cat.frameSequence() > 0);
            assertNotNull(cat.captureTime());
            assertNotNull(cat.inferenceTime());
            assertTrue(cat.latency().inferenceMicros() > 0, "inference latency measured");
            assertTrue(cat.latency().captureToRingMicros() >= 0 && cat.latency().ringToInferenceMicros() >= 0);

            cam1.show(coffee);
            Event cup = sink.await(e -> e.type() == EventType.CLASSIFICATION && !isCat(e), 30_000,
                    "a classification of coffee.png");
            String label = cup.topK().get(0).label();
            assertTrue(label.equals("espresso") || label.equals("cup"), "coffee.png top-1: " + cup.topK());

            // The missing camera is reported, and did not stop cam1 from being served.
            Event missing = sink.await(e -> e.type() == EventType.SOURCE_STATE && "missing".equals(e.cameraId()),
                    10_000, "source-state of the missing ring");
            assertEquals("no-ring", missing.source().state());
            assertEquals("absent", missing.source().writer());

            cam1.writer.setSourceState(SourceState.RECONNECTING, "connection refused");
            Event reconnecting = sink.await(e -> e.type() == EventType.SOURCE_STATE && "cam1".equals(e.cameraId())
                    && "reconnecting".equals(e.source().state()), 10_000, "reconnecting state");
            assertEquals("connection refused", reconnecting.source().detail());
            assertEquals("live", reconnecting.source().writer());

            // A steady scene: heartbeats with counters; frames come faster than the model: some skipped.
            Event hb = sink.await(e -> e.type() == EventType.HEARTBEAT && "cam1".equals(e.cameraId())
                    && e.counters().framesProcessed() > 5 && e.counters().framesSkipped() > 0, 20_000,
                    "a heartbeat counting processed and skipped frames");
            assertEquals("mobilenet", hb.model().name());
            assertEquals("reconnecting", hb.source().state());

            cam1.close();
            sink.await(e -> e.type() == EventType.SOURCE_STATE && "cam1".equals(e.cameraId())
                    && "closed".equals(e.source().writer()), 10_000, "writer closed state");
        }
    }
}
