package dev.edgelens.bench.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.edgelens.bench.ComparedTo;
import dev.edgelens.inference.model.ExecutionProvider;
import dev.edgelens.inference.model.LoadedModel;
import dev.edgelens.inference.model.ModelFiles;
import dev.edgelens.inference.model.ModelLoader;
import dev.edgelens.inference.model.TopK;
import dev.edgelens.inference.preprocess.FramePreprocessor;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Per-frame time of the inference path for MobileNetV2 (int8) on a 1920x1080 BGR frame:
 * {@code edgelens} = FramePreprocessor + LoadedModel.run (DJL on ONNX Runtime) + softmax/top-k, as the
 * inference loop does it; {@code rawOrt} = the same preprocessing and top-k around a plain
 * {@code OrtSession.run} on the same tensor (OnnxTensor over the same kind of direct buffer), from the
 * same onnxruntime jar with the same session options and thread count. Goal: ratio at most 1.05.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-DOPT_OUT_TRACKING=true", "-Dai.djl.offline=true"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class InferencePathBenchmark {

    /** ONNX Runtime intra-op threads, the same for both paths. */
    @Param({"1"})
    public int threads;

    private Path modelsDir;
    private UnsafeBuffer frame;
    private LoadedModel model;
    private FramePreprocessor pre;
    private TopK topK;

    private OrtEnvironment env;
    private OrtSession session;
    private String inputName;
    private FloatBuffer input;
    private long[] shape;
    private float[] scores;

    @Setup
    public void setUp() throws Exception {
        frame = new UnsafeBuffer(Frames.catFrame1080p());
        modelsDir = Files.createTempDirectory("bench-models");
        Path shared = Frames.shared().resolve("models");
        Files.copy(shared.resolve("mobilenetv2-12-int8.onnx"), modelsDir.resolve("mobilenet.onnx"));
        Files.copy(shared.resolve("imagenet-synset-labels.txt"), modelsDir.resolve("mobilenet.labels.txt"));
        Files.writeString(modelsDir.resolve("mobilenet.json"), """
                {"resize": "crop", "resizeShort": 256, "scale": 0.00392156862745098,
                 "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "softmax": true}
                """);
        model = new ModelLoader(ExecutionProvider.CPU, threads, 0).load(ModelFiles.in(modelsDir, "mobilenet"));
        pre = new FramePreprocessor(model.spec());
        pre.prepare(Frames.WIDTH, Frames.HEIGHT, Frames.WIDTH * 3, 3, true);
        topK = new TopK(3);

        env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions opts = ExecutionProvider.CPU.sessionOptions(threads, 0).options();
        session = env.createSession(modelsDir.resolve("mobilenet.onnx").toString(), opts);
        inputName = session.getInputNames().iterator().next();
        shape = model.inputShape().getShape();
        input = ByteBuffer.allocateDirect(model.spec().tensorSize() * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        scores = new float[model.classes()];

        // Both paths must classify the frame as a cat, or the comparison means nothing.
        int a = edgelens();
        int b = rawOrt();
        if (a != b || a < 281 || a > 285) {
            throw new IllegalStateException("paths disagree or no cat: edgelens " + a + ", raw ORT " + b);
        }
    }

    @Benchmark
    @ComparedTo(value = "rawOrt", target = "<= 1.05")
    public int edgelens() {
        pre.run(frame, 0);
        float[] raw = model.run(pre.output());
        topK.select(raw, model.classes(), model.softmax());
        return topK.index(0);
    }

    @Benchmark
    public int rawOrt() throws OrtException {
        pre.run(frame, 0);
        input.clear();
        input.put(pre.output());
        input.flip();
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, input, shape);
             OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
            ((OnnxTensor) result.get(0)).getFloatBuffer().get(scores);
        }
        topK.select(scores, scores.length, Boolean.TRUE);
        return topK.index(0);
    }

    @TearDown
    public void tearDown() throws IOException, OrtException {
        model.close();
        session.close();
        try (var files = Files.list(modelsDir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(modelsDir);
    }
}
