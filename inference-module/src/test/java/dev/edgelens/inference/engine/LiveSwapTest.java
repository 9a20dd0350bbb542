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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Swapping models by dropping files into the models folder while frames flow, and refusing bad
 * files while the running model keeps running.
 */
@Timeout(180)
class LiveSwapTest {

    @TempDir
    Path tmp;

    @Test
    void swapsMobileNetToMnistAndBackAndRefusesBadFilesWhileFramesFlow() throws Exception {
        Path models = Files.createDirectory(tmp.resolve("models"));
        TestSupport.installModel(models, "mobilenetv2-12-int8.onnx", "mobilenet", "imagenet-synset-labels.txt",
                TestSupport.MOBILENET_SIDECAR);
        CollectingSink sink = new CollectingSink();
        Path ring = tmp.resolve("cam.ring");
        try (EventDispatcher dispatcher = new EventDispatcher(List.of(sink), 0, 4096, 10_000);
             RingPublisher cam = new RingPublisher(ring, "cam", 451, 300, TestSupport.bgr("chelsea.png"), 10);
             InferenceEngine engine = new InferenceEngine(Map.of("cam", ring),
                     new ModelManager(new ModelCatalog(models, null), new ModelLoader(ExecutionProvider.CPU, 1, 0),
                             600, 50, dispatcher),
                     new PolicySettings(3, 0.0, 1, 0, 300), dispatcher)) {
            engine.start();
            sink.await(e -> e.type() == EventType.CLASSIFICATION && "mobilenet".equals(e.model().name()), 30_000,
                    "a MobileNet classification");

            // Swap 1: a new model is dropped in (written slowly, in pieces: it must not be loaded half-written).
            Files.copy(TestSupport.sharedModel("mnist-labels.txt"), models.resolve("mnist.labels.txt"));
            slowWrite(TestSupport.sharedModel("mnist-8.onnx"), models.resolve("mnist.onnx"));
            Event toMnist = sink.await(e -> e.type() == EventType.MODEL_CHANGED && "mnist".equals(e.model().name()),
                    30_000, "model-changed to mnist");
            assertEquals("mobilenet", toMnist.previousModel().name());
            sink.await(e -> e.type() == EventType.CLASSIFICATION && "mnist".equals(e.model().name()), 30_000,
                    "an MNIST classification");

            // Swap 2: MobileNet replaced (rewritten in place, slowly) becomes the newest again.
            long before = engine.framesRun();
            slowWrite(TestSupport.sharedModel("mobilenetv2-12-int8.onnx"), models.resolve("mobilenet.onnx"));
            Event back = sink.await(e -> e.type() == EventType.MODEL_CHANGED && "mobilenet".equals(e.model().name())
                    && e.previousModel() != null, 30_000, "model-changed back to mobilenet");
            assertEquals("mnist", back.previousModel().name());
            Event cat = sink.await(e -> e.type() == EventType.CLASSIFICATION && "mobilenet".equals(e.model().name())
                    && sink.events().indexOf(e) > sink.events().indexOf(back), 30_000, "MobileNet classifying again");
            int top = cat.topK().get(0).index();
            assertTrue(top >= 281 && top <= 285, "cat again: " + cat.topK());
            assertTrue(engine.framesRun() > before, "frames kept flowing during the swap");

            // Bad files: each is rejected, naming file and reason; MobileNet keeps running.
            TestSupport.installModel(models, "yolox-nano.onnx", "yolox-nano", null, null);
            Event yolox = sink.await(e -> e.type() == EventType.MODEL_REJECTED && "yolox-nano.onnx".equals(e.file()),
                    30_000, "yolox-nano rejected");
            assertEquals("output [1,3549,85] is not a class-score vector", yolox.reason());
            assertEquals("mobilenet", yolox.model().name(), "names the model that keeps running");

            byte[] full = Files.readAllBytes(TestSupport.sharedModel("mnist-8.onnx"));
            Files.write(models.resolve("truncated.onnx"), Arrays.copyOf(full, full.length / 3));
            Event truncated = sink.await(e -> e.type() == EventType.MODEL_REJECTED
                    && "truncated.onnx".equals(e.file()), 30_000, "truncated model rejected");
            assertTrue(truncated.reason().startsWith("cannot be loaded as an ONNX model"), truncated.reason());

            Files.writeString(models.resolve("readme.onnx"), "not a model\n");
            sink.await(e -> e.type() == EventType.MODEL_REJECTED && "readme.onnx".equals(e.file()), 30_000,
                    "text file rejected");

            Files.copy(TestSupport.sharedModel("imagenet-synset-labels.txt"), models.resolve("mnist2.labels.txt"));
            TestSupport.installModel(models, "mnist-8.onnx", "mnist2", null, null);
            Event labels = sink.await(e -> e.type() == EventType.MODEL_REJECTED
                    && "mnist2.labels.txt".equals(e.file()), 30_000, "wrong labels rejected");
            assertEquals("has 1000 labels but mnist2.onnx outputs 10 classes", labels.reason());

            long runsAfterRejections = engine.framesRun();
            Event hb = sink.await(e -> e.type() == EventType.HEARTBEAT
                    && e.counters().framesProcessed() > 0 && sink.events().indexOf(e) > sink.events().indexOf(labels),
                    10_000, "a heartbeat after the rejections");
            assertEquals("mobilenet", hb.model().name(), "the old model still runs");
            assertTrue(engine.framesRun() > runsAfterRejections || hb.counters().framesProcessed() > 0);
        }

        // Ordering: every classification ran on the model announced by the last model-changed before it,
        // i.e. no frame ran on a model before it was validated and switched to.
        String current = null;
        int changes = 0;
        for (Event e : sink.events()) {
            if (e.type() == EventType.MODEL_CHANGED) {
                current = e.model().name();
                changes++;
            } else if (e.type() == EventType.CLASSIFICATION) {
                assertEquals(current, e.model().name(), "classification " + e.id() + " ran on the switched-to model");
            }
        }
        assertEquals(3, changes, "mobilenet, mnist, mobilenet");
        assertTrue(sink.events().stream().noneMatch(e -> e.type() == EventType.MODEL_REJECTED
                && (e.file().equals("mnist.onnx") || e.file().equals("mobilenet.onnx"))),
                "slowly written models were loaded only once complete");
    }

    /** Writes a file in four pieces with pauses shorter than the settle time, like a slow copy. */
    private static void slowWrite(Path from, Path to) throws Exception {
        byte[] data = Files.readAllBytes(from);
        try (OutputStream out = Files.newOutputStream(to)) {
            int step = data.length / 4 + 1;
            for (int off = 0; off < data.length; off += step) {
                out.write(data, off, Math.min(step, data.length - off));
                out.flush();
                Thread.sleep(150);
            }
        }
    }
}
