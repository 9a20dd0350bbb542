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

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A capture process killed with SIGKILL: its camera is reported stale, the other camera keeps being served. */
@Timeout(120)
class StaleWriterTest {

    @TempDir
    Path tmp;

    @Test
    void killedWriterIsReportedStaleWhileTheOtherCameraKeepsRunning() throws Exception {
        Path models = Files.createDirectory(tmp.resolve("models"));
        TestSupport.installModel(models, "mnist-8.onnx", "mnist", "mnist-labels.txt", null);
        Path childRing = tmp.resolve("child.ring");
        Path localRing = tmp.resolve("local.ring");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RingWriterMain.class.getName(), childRing.toString())
                .redirectErrorStream(true).start();
        CollectingSink sink = new CollectingSink();
        Map<String, Path> cams = new LinkedHashMap<>();
        cams.put("child", childRing);
        cams.put("local", localRing);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
            String line = out.readLine();
            assertEquals("publishing", line, "child writer started");
            try (EventDispatcher dispatcher = new EventDispatcher(List.of(sink), 0, 4096, 1000);
                 RingPublisher local = new RingPublisher(localRing, "local", 28, 28,
                         TestSupport.bgr("mnist-digit-3.jpg"), 20);
                 InferenceEngine engine = new InferenceEngine(cams,
                         new ModelManager(new ModelCatalog(models, null), new ModelLoader(ExecutionProvider.CPU, 1, 0),
                                 0, 50, dispatcher),
                         new PolicySettings(1, 0.0, 1, 0, 500), dispatcher)) {
                engine.start();
                sink.await(e -> e.type() == EventType.SOURCE_STATE && "child".equals(e.cameraId())
                        && "live".equals(e.source().writer()), 30_000, "child camera live");
                sink.await(e -> e.type() == EventType.CLASSIFICATION && "local".equals(e.cameraId()), 30_000,
                        "local camera classified");

                child.destroyForcibly().waitFor();
                Event stale = sink.await(e -> e.type() == EventType.SOURCE_STATE && "child".equals(e.cameraId())
                        && "stale".equals(e.source().writer()), 30_000, "child camera stale");
                assertEquals("streaming", stale.source().state(), "the last state the writer reported");

                long processedAtStale = sink.events().stream()
                        .filter(e -> e.type() == EventType.HEARTBEAT && "local".equals(e.cameraId()))
                        .mapToLong(e -> e.counters().framesProcessed()).max().orElse(0);
                Event later = sink.await(e -> e.type() == EventType.HEARTBEAT && "local".equals(e.cameraId())
                        && e.counters().framesProcessed() > processedAtStale + 5, 30_000,
                        "the local camera still being classified");
                assertEquals("Three", later.topLabel());
                sink.await(e -> e.type() == EventType.HEARTBEAT && "child".equals(e.cameraId())
                        && "stale".equals(e.source().writer()), 10_000, "the stale camera's heartbeats say so");
            }
        } finally {
            child.destroyForcibly();
        }
    }
}
