package dev.edgelens.inference.model;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.edgelens.inference.event.ModelRef;
import dev.edgelens.inference.preprocess.PreprocessSpec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A validated model ready to run: the DJL model on ONNX Runtime, its input geometry, labels and
 * preprocessing. {@link #run} is called by one thread at a time (the inference loop, or the loader
 * for the warm-up before the model is published).
 */
public final class LoadedModel implements AutoCloseable {

    private final ModelFiles files;
    private final ModelRef ref;
    private final Model model;
    private final Block block;
    private final ParameterStore parameters;
    private final Shape inputShape;
    private final PreprocessSpec spec;
    private final Labels labels;
    private final int classes;
    private final Boolean softmax;
    private final Sidecar.PolicyOverrides policy;
    private final ExecutionProvider provider;
    private final String sha256;
    /** Direct, native-order input buffer: ONNX Runtime wraps it without copying. */
    private final FloatBuffer input;
    /**
     * The input tensor, created once over {@link #input}: ONNX Runtime uses a direct buffer in place,
     * so refilling the buffer is all a new frame needs (no tensor or manager per frame).
     */
    private final NDArray inputArray;
    private final NDList inputList;
    private final float[] scores;

    LoadedModel(ModelFiles files, ModelRef ref, Model model, Shape inputShape, PreprocessSpec spec, Labels labels,
                int classes, Boolean softmax, Sidecar.PolicyOverrides policy, ExecutionProvider provider, String sha256) {
        this.files = files;
        this.sha256 = sha256;
        this.ref = ref;
        this.model = model;
        this.block = model.getBlock();
        this.parameters = new ParameterStore(model.getNDManager(), false);
        this.inputShape = inputShape;
        this.spec = spec;
        this.labels = labels;
        this.classes = classes;
        this.softmax = softmax;
        this.policy = policy;
        this.provider = provider;
        this.input = ByteBuffer.allocateDirect(spec.tensorSize() * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        this.scores = new float[classes];
        this.inputArray = model.getNDManager().create(input, inputShape, DataType.FLOAT32);
        this.inputList = new NDList(inputArray);
    }

    /** The input buffer to fill (e.g. from a FramePreprocessor's output) before {@link #run()}. */
    public FloatBuffer input() {
        return input;
    }

    /**
     * Runs the model on {@link #input()} and returns its raw outputs (logits or scores; the array is
     * reused by the next run).
     */
    public float[] run() {
        NDList out = block.forward(parameters, inputList, false);
        try {
            FloatBuffer fb = out.get(0).toByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
            fb.get(scores, 0, scores.length);
            return scores;
        } finally {
            out.close(); // frees the native output tensor now rather than with the model
        }
    }

    /** Copies {@code tensor} into {@link #input()} and runs the model. */
    public float[] run(float[] tensor) {
        input.clear();
        input.put(tensor);
        input.flip();
        return run();
    }

    /** The first output of one forward pass, unvalidated (the loader checks its shape). */
    static NDArray forwardFirst(NDManager sub, Block block, ParameterStore ps, FloatBuffer input, Shape shape) {
        input.rewind();
        NDArray in = sub.create(input, shape, DataType.FLOAT32);
        NDList out = block.forward(ps, new NDList(in), false);
        return out.get(0);
    }

    public ModelRef ref() {
        return ref;
    }

    /** The full SHA-256 (hex) of the .onnx file ({@link #ref()} carries its first 12 digits). */
    public String sha256() {
        return sha256;
    }

    public ModelFiles files() {
        return files;
    }

    public String name() {
        return files.name();
    }

    public PreprocessSpec spec() {
        return spec;
    }

    public Labels labels() {
        return labels;
    }

    public int classes() {
        return classes;
    }

    /** True/false as the sidecar says; null = decide per result (softmax unless already probabilities). */
    public Boolean softmax() {
        return softmax;
    }

    /** Policy overrides from the sidecar (fields may be null), never null itself. */
    public Sidecar.PolicyOverrides policy() {
        return policy;
    }

    public ExecutionProvider provider() {
        return provider;
    }

    public Shape inputShape() {
        return inputShape;
    }

    @Override
    public void close() {
        inputArray.close();
        model.close();
    }

    @Override
    public String toString() {
        return files.name() + " (sha256 " + ref.sha256() + ", input " + ModelLoader.dims(inputShape.getShape())
                + " " + spec.layout() + ", " + classes + " classes, " + provider.optionName() + ")";
    }
}
