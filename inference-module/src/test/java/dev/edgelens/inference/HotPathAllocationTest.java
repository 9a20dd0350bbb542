package dev.edgelens.inference;

import dev.edgelens.inference.event.ModelRef;
import dev.edgelens.inference.model.Labels;
import dev.edgelens.inference.model.TopK;
import dev.edgelens.inference.policy.EventPolicy;
import dev.edgelens.inference.policy.PolicySettings;
import dev.edgelens.inference.policy.Result;
import dev.edgelens.inference.preprocess.ColorOrder;
import dev.edgelens.inference.preprocess.FramePreprocessor;
import dev.edgelens.inference.preprocess.Layout;
import dev.edgelens.inference.preprocess.PreprocessSpec;
import dev.edgelens.inference.preprocess.ResizeMode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The module's own per-frame work (preprocessing, softmax/top-k, event policy on a steady scene)
 * allocates nothing once warmed up. (The model run itself allocates inside DJL/ONNX Runtime.)
 */
class HotPathAllocationTest {

    @Test
    void steadyStateFrameAllocatesNothing() {
        ByteBuffer frame = ByteBuffer.allocateDirect(1280 * 720 * 3);
        byte[] noise = new byte[frame.capacity()];
        new Random(3).nextBytes(noise);
        frame.put(noise).flip();
        UnsafeBuffer pixels = new UnsafeBuffer(frame);
        FramePreprocessor pre = new FramePreprocessor(new PreprocessSpec(224, 224, 3, Layout.NCHW, ColorOrder.RGB,
                ResizeMode.CROP, 256, 1 / 255f, new float[]{0.485f, 0.456f, 0.406f}, new float[]{0.229f, 0.224f, 0.225f}));
        TopK topK = new TopK(5);
        float[] logits = new float[1000];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.sin(i);
        }
        List<Object> events = new ArrayList<>();
        EventPolicy policy = new EventPolicy(new PolicySettings(5, 0.0, 3, 1000, 3_600_000), events::add);
        Result r = new Result();
        r.cameraId = "cam";
        r.model = new ModelRef("m", "0123456789ab");
        r.labels = Labels.indices(1000);

        Runnable frameWork = new Runnable() {
            long t;

            @Override
            public void run() {
                pre.prepare(1280, 720, 1280 * 3, 3, true);
                pre.run(pixels, 0);
                int n = topK.select(logits, logits.length, null);
                r.sequence++;
                r.count = n;
                for (int j = 0; j < n; j++) {
                    r.index[j] = topK.index(j);
                    r.score[j] = topK.score(j);
                }
                t += 33;
                policy.onSkipped("cam", r.sequence / 10, t);
                policy.onResult(r, t);
            }
        };
        for (int i = 0; i < 2000; i++) {
            frameWork.run(); // warm-up: JIT, and the one classification event of the steady scene
        }
        assertEquals(1, events.size());
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < 500; i++) {
            frameWork.run();
        }
        long allocated = mx.getThreadAllocatedBytes(id) - before;
        assertEquals(0, allocated / 500, "bytes allocated per frame (total " + allocated + ")");
    }
}
