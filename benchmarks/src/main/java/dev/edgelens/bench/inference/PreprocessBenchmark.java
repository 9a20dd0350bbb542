package dev.edgelens.bench.inference;

import dev.edgelens.bench.ComparedTo;
import dev.edgelens.inference.preprocess.ColorOrder;
import dev.edgelens.inference.preprocess.FramePreprocessor;
import dev.edgelens.inference.preprocess.Layout;
import dev.edgelens.inference.preprocess.PreprocessSpec;
import dev.edgelens.inference.preprocess.ResizeMode;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * One 1920x1080 BGR frame to a 224x224 NCHW float tensor (short side to 256, centre crop 224,
 * ImageNet mean/std), on one thread. {@code fused} is the module's FramePreprocessor (goal: at most
 * 1 ms); {@code straightforward} is the plain way, measured in the same run: bilinear-resize the whole
 * frame to 455x256, then crop, then normalise.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PreprocessBenchmark {

    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};
    private static final int OUT = 224;
    private static final int SHORT = 256;

    private UnsafeBuffer frame;
    private FramePreprocessor fused;
    private byte[] heapFrame;
    private float[] resized;
    private float[] tensor;
    private int rw;

    @Setup
    public void setUp() throws IOException {
        ByteBuffer direct = Frames.catFrame1080p();
        frame = new UnsafeBuffer(direct);
        fused = new FramePreprocessor(new PreprocessSpec(OUT, OUT, 3, Layout.NCHW, ColorOrder.RGB, ResizeMode.CROP,
                SHORT, 1f / 255f, MEAN, STD));
        fused.prepare(Frames.WIDTH, Frames.HEIGHT, Frames.WIDTH * 3, 3, true);
        heapFrame = new byte[direct.remaining()];
        direct.get(0, heapFrame);
        rw = Math.round(Frames.WIDTH * (float) SHORT / Frames.HEIGHT);
        resized = new float[rw * SHORT * 3];
        tensor = new float[3 * OUT * OUT];
    }

    @Benchmark
    @ComparedTo(value = "straightforward")
    public float[] fused() {
        fused.run(frame, 0);
        return fused.output();
    }

    @Benchmark
    public float[] straightforward() {
        final int w = Frames.WIDTH;
        final int h = Frames.HEIGHT;
        final byte[] src = heapFrame;
        // 1. bilinear resize of the whole frame (half-pixel centres), interleaved float
        for (int y = 0; y < SHORT; y++) {
            float sy = Math.max(0f, (y + 0.5f) * h / SHORT - 0.5f);
            int y0 = (int) sy;
            int y1 = Math.min(y0 + 1, h - 1);
            float fy = sy - y0;
            for (int x = 0; x < rw; x++) {
                float sx = Math.max(0f, (x + 0.5f) * w / rw - 0.5f);
                int x0 = (int) sx;
                int x1 = Math.min(x0 + 1, w - 1);
                float fx = sx - x0;
                for (int c = 0; c < 3; c++) {
                    float top = (src[(y0 * w + x0) * 3 + c] & 0xFF) * (1 - fx) + (src[(y0 * w + x1) * 3 + c] & 0xFF) * fx;
                    float bot = (src[(y1 * w + x0) * 3 + c] & 0xFF) * (1 - fx) + (src[(y1 * w + x1) * 3 + c] & 0xFF) * fx;
                    resized[(y * rw + x) * 3 + c] = top * (1 - fy) + bot * fy;
                }
            }
        }
        // 2. centre crop, 3. normalise into NCHW RGB
        int cx = (rw - OUT) / 2;
        int cy = (SHORT - OUT) / 2;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < OUT; y++) {
                for (int x = 0; x < OUT; x++) {
                    float v = resized[((y + cy) * rw + x + cx) * 3 + (2 - c)];
                    tensor[c * OUT * OUT + y * OUT + x] = (v / 255f - MEAN[c]) / STD[c];
                }
            }
        }
        return tensor;
    }
}
