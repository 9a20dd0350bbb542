package dev.edgelens.inference.model;

import dev.edgelens.inference.TestSupport;
import dev.edgelens.inference.event.Event;
import dev.edgelens.inference.event.EventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The watcher's decisions, polled by hand (the thread is not started). */
class ModelManagerTest {

    @TempDir
    Path dir;
    private final List<Event> events = new ArrayList<>();
    private final ModelLoader loader = new ModelLoader(ExecutionProvider.CPU, 1, 0);

    private ModelManager manager(String pinned, long settleMillis) {
        return new ModelManager(new ModelCatalog(dir, pinned), loader, settleMillis, 50, events::add);
    }

    private static String taken(ModelManager m) {
        ModelManager.Switch s = m.takeSwitch();
        if (s == null) {
            return null;
        }
        s.model().close();
        return s.model().name();
    }

    @Test
    void atStartARejectedNewestFallsBackToTheNextButLaterRejectionsNeverDo() throws Exception {
        TestSupport.installModel(dir, "mnist-8.onnx", "digits", "mnist-labels.txt", null);
        Thread.sleep(20);
        Files.writeString(dir.resolve("broken.onnx"), "not a model");
        try (ModelManager m = manager(null, 0)) {
            m.pollOnce(System.currentTimeMillis());
            assertEquals("digits", taken(m), "the newest is broken: the next newest runs");
            assertEquals(1, events.size());
            assertEquals(EventType.MODEL_REJECTED, events.get(0).type());
            assertEquals("broken.onnx", events.get(0).file());
            assertNull(events.get(0).model(), "nothing was running yet");

            m.pollOnce(System.currentTimeMillis());
            assertNull(m.takeSwitch(), "nothing changed: nothing to do");
            assertEquals(1, events.size(), "a rejected file is not retried until it changes");

            Thread.sleep(20);
            Files.writeString(dir.resolve("broken.onnx"), "still not a model");
            m.pollOnce(System.currentTimeMillis());
            assertNull(m.takeSwitch(), "the running model keeps running");
            assertEquals(2, events.size());
            assertEquals("digits", events.get(1).model().name(), "the rejection names the running model");

            // Replacing the running model's labels re-selects and reloads it.
            Thread.sleep(20);
            Files.writeString(dir.resolve("digits.labels.txt"), "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n");
            m.pollOnce(System.currentTimeMillis());
            assertEquals("digits", taken(m));
        }
    }

    @Test
    void aPinnedModelRunsEvenWhenOthersAreNewer() throws Exception {
        TestSupport.installModel(dir, "mnist-8.onnx", "pinned", null, null);
        Thread.sleep(20);
        TestSupport.installModel(dir, "mnist-8.onnx", "newer", null, null);
        try (ModelManager m = manager("pinned.onnx", 0)) {
            m.pollOnce(System.currentTimeMillis());
            assertEquals("pinned", taken(m));
            Thread.sleep(20);
            TestSupport.installModel(dir, "mnist-8.onnx", "newest", null, null);
            m.pollOnce(System.currentTimeMillis());
            assertNull(m.takeSwitch(), "other models are ignored while one is pinned");
            assertTrue(events.isEmpty());
        }
    }

    @Test
    void aFileStillBeingWrittenWaitsForTheSettleTime() throws Exception {
        try (ModelManager m = manager(null, 60_000)) {
            TestSupport.installModel(dir, "mnist-8.onnx", "fresh", null, null);
            long now = System.currentTimeMillis();
            m.pollOnce(now);
            assertNull(m.takeSwitch(), "changed just now: not settled");
            m.pollOnce(now + 30_000);
            assertNull(m.takeSwitch());
            m.pollOnce(now + 61_000);
            ModelManager.Switch s = m.takeSwitch();
            assertNotNull(s, "unchanged for the settle time: loaded");
            s.model().close();
        }
    }

    @Test
    void anUnavailableGpuProviderRejectsTheModelNamingIt() throws Exception {
        TestSupport.installModel(dir, "mnist-8.onnx", "digits", null, null);
        ModelRejectedException e = org.junit.jupiter.api.Assertions.assertThrows(ModelRejectedException.class,
                () -> new ModelLoader(ExecutionProvider.CUDA, 1, 0).load(ModelFiles.in(dir, "digits")));
        assertTrue(e.reason().contains("CUDA") && e.reason().contains("not available"), e.getMessage());
    }

    @Test
    void theProjectsDefaultModelLoadsWithItsSidecar() throws Exception {
        Path project = Path.of("..", "models");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(project.resolve("camera-health.onnx")),
                "the default model is generated by tools/camera-health");
        for (String f : new String[]{"camera-health.onnx", "camera-health.json", "camera-health.labels.txt"}) {
            Files.copy(project.resolve(f), dir.resolve(f));
        }
        try (LoadedModel m = loader.load(ModelFiles.in(dir, "camera-health"))) {
            assertEquals(5, m.classes());
            assertEquals("ok", m.labels().get(0));
            assertEquals(Boolean.FALSE, m.softmax());
        }
    }

    @Test
    void sidecarPolicyOverridesApplyPerModel() throws Exception {
        TestSupport.installModel(dir, "mnist-8.onnx", "digits", null,
                "{\"resize\": \"stretch\", \"policy\": {\"topK\": 5, \"hysteresisFrames\": 1}}");
        try (LoadedModel m = loader.load(ModelFiles.in(dir, "digits"))) {
            var base = new dev.edgelens.inference.policy.PolicySettings(3, 0.2, 4, 1000, 60_000);
            var effective = base.with(m.policy());
            assertEquals(5, effective.topK());
            assertEquals(1, effective.hysteresisFrames());
            assertEquals(0.2, effective.minConfidence(), "not overridden");
        }
    }
}
