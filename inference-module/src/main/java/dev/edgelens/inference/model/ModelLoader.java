package dev.edgelens.inference.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.edgelens.inference.event.ModelRef;
import dev.edgelens.inference.preprocess.ColorOrder;
import dev.edgelens.inference.preprocess.Layout;
import dev.edgelens.inference.preprocess.PreprocessSpec;
import dev.edgelens.inference.preprocess.ResizeMode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * Loads and validates one model: reads labels and sidecar, loads the ONNX file through DJL on ONNX
 * Runtime, works out the preprocessing from the input shape (plus sidecar), runs one warm-up
 * inference and checks the output is a class-score vector whose length matches the labels. Any
 * failure is a {@link ModelRejectedException} naming the file and the reason.
 */
public final class ModelLoader {

    /** DJL's name for the ONNX Runtime engine. */
    public static final String ENGINE = "OnnxRuntime";

    private final ExecutionProvider provider;
    private final int threads;
    private final int deviceId;

    /**
     * @param provider execution provider to request
     * @param threads  ONNX Runtime intra-op threads (0 = its default)
     * @param deviceId GPU index for CUDA/TensorRT
     */
    public ModelLoader(ExecutionProvider provider, int threads, int deviceId) {
        DjlSetup.ensureOffline();
        this.provider = provider;
        this.threads = threads;
        this.deviceId = deviceId;
    }

    public ExecutionProvider provider() {
        return provider;
    }

    public int threads() {
        return threads;
    }

    public int deviceId() {
        return deviceId;
    }

    public LoadedModel load(ModelFiles files) throws ModelRejectedException {
        String onnxName = files.onnx().getFileName().toString();
        if (!Files.isRegularFile(files.onnx())) {
            throw new ModelRejectedException(onnxName, "does not exist or is not a regular file");
        }
        Sidecar sidecar = files.sidecar() != null ? Sidecar.read(files.sidecar()) : Sidecar.NONE;
        Labels labels = files.labels() != null ? Labels.read(files.labels()) : null;
        String sha = sha256(files.onnx(), onnxName);

        Model model;
        ExecutionProvider used;
        try {
            ExecutionProvider.Result opts = provider.sessionOptions(threads, deviceId);
            used = opts.used();
            model = Model.newInstance(files.name(), Device.cpu(), ENGINE);
            try {
                model.load(files.onnx(), files.name(), Map.of("sessionOptions", opts.options()));
            } catch (Exception | Error e) {
                model.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new ModelRejectedException(onnxName, "execution provider: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new ModelRejectedException(onnxName, "cannot be loaded as an ONNX model: " + rootMessage(e), e);
        }
        try {
            return validate(files, model, sidecar, labels, sha, used);
        } catch (ModelRejectedException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private LoadedModel validate(ModelFiles files, Model model, Sidecar sc, Labels labels, String sha,
                                 ExecutionProvider used) throws ModelRejectedException {
        String onnxName = files.onnx().getFileName().toString();
        String sidecarName = files.name() + ModelFiles.SIDECAR;
        Map<String, NodeInfo> inputs;
        try {
            inputs = sessionOf(model, onnxName).getInputInfo();
        } catch (OrtException e) {
            throw new ModelRejectedException(onnxName, "cannot read its inputs: " + e.getMessage(), e);
        }
        if (inputs.size() != 1) {
            throw new ModelRejectedException(onnxName, "has " + inputs.size() + " inputs " + inputs.keySet()
                    + "; only single-input image classifiers are supported");
        }
        Map.Entry<String, NodeInfo> in = inputs.entrySet().iterator().next();
        String inputName = in.getKey();
        if (!(in.getValue().getInfo() instanceof TensorInfo tensor)) {
            throw new ModelRejectedException(onnxName, "input '" + inputName + "' is not a tensor: " + in.getValue());
        }
        long[] shape = tensor.getShape();
        if (tensor.type != OnnxJavaType.FLOAT) {
            throw new ModelRejectedException(onnxName, "input '" + inputName + "' " + dims(shape) + " is "
                    + tensor.type + "; only float image inputs are supported");
        }
        if (shape.length != 4) {
            throw new ModelRejectedException(onnxName, "input '" + inputName + "' " + dims(shape)
                    + " is not an image tensor; expected [N,C,H,W] or [N,H,W,C]");
        }
        Layout layout;
        if (sc.layout() != null) {
            layout = parseEnum(Layout.class, sc.layout(), sidecarName, "layout");
        } else if (shape[1] == 1 || shape[1] == 3) {
            layout = Layout.NCHW;
        } else if (shape[3] == 1 || shape[3] == 3) {
            layout = Layout.NHWC;
        } else {
            throw new ModelRejectedException(onnxName, "input '" + inputName + "' " + dims(shape)
                    + " is neither NCHW nor NHWC with 1 or 3 channels; give \"layout\" in " + sidecarName);
        }
        int cIdx = layout == Layout.NCHW ? 1 : 3;
        int hIdx = layout == Layout.NCHW ? 2 : 1;
        int wIdx = layout == Layout.NCHW ? 3 : 2;
        long channels = shape[cIdx];
        if (channels != 1 && channels != 3) {
            throw new ModelRejectedException(onnxName, "input '" + inputName + "' " + dims(shape) + " as "
                    + layout + " has " + channels + " channels; expected 1 (gray) or 3 (colour)");
        }
        int height = dimension(shape[hIdx], sc.height(), "height", onnxName, sidecarName, inputName, shape);
        int width = dimension(shape[wIdx], sc.width(), "width", onnxName, sidecarName, inputName, shape);
        if (shape[0] > 1) {
            throw new ModelRejectedException(onnxName, "input '" + inputName + "' " + dims(shape)
                    + " has a fixed batch of " + shape[0] + "; expected 1 or dynamic");
        }
        long[] runShape = shape.clone();
        runShape[0] = 1;
        runShape[hIdx] = height;
        runShape[wIdx] = width;

        PreprocessSpec spec;
        try {
            ColorOrder order = sc.colorOrder() == null ? ColorOrder.RGB
                    : parseEnum(ColorOrder.class, sc.colorOrder(), sidecarName, "colorOrder");
            ResizeMode resize = sc.resize() == null ? ResizeMode.CROP
                    : parseEnum(ResizeMode.class, sc.resize(), sidecarName, "resize");
            int c = (int) channels;
            spec = new PreprocessSpec(width, height, c, layout, order, resize,
                    sc.resizeShort() != null ? sc.resizeShort() : PreprocessSpec.defaultResizeShort(width, height),
                    sc.scale() != null ? sc.scale().floatValue() : 1f / 255f,
                    perChannel(sc.mean(), c, 0f, "mean", sidecarName),
                    perChannel(sc.std(), c, 1f, "std", sidecarName));
        } catch (IllegalArgumentException e) {
            throw new ModelRejectedException(sidecarName, e.getMessage(), e);
        }

        // Warm-up run on a mid-grey input; it also reveals the output shape.
        Shape inputShape = new Shape(runShape);
        long[] outShape;
        try (NDManager sub = model.getNDManager().newSubManager()) {
            java.nio.FloatBuffer buf = java.nio.ByteBuffer.allocateDirect(spec.tensorSize() * Float.BYTES)
                    .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
            NDArray out = LoadedModel.forwardFirst(sub, model.getBlock(),
                    new ParameterStore(model.getNDManager(), false), buf, inputShape);
            outShape = out.getShape().getShape();
        } catch (RuntimeException e) {
            throw new ModelRejectedException(onnxName, "warm-up run on input " + dims(runShape) + " failed: "
                    + rootMessage(e), e);
        }
        int classes = classCount(outShape);
        if (classes < 2) {
            throw new ModelRejectedException(onnxName, "output " + dims(outShape) + " is not a class-score vector");
        }
        if (labels != null && labels.size() != classes) {
            throw new ModelRejectedException(files.name() + ModelFiles.LABELS, "has " + labels.size()
                    + " labels but " + onnxName + " outputs " + classes + " classes");
        }
        Sidecar.PolicyOverrides policy = sc.policy() != null ? sc.policy()
                : new Sidecar.PolicyOverrides(null, null, null);
        return new LoadedModel(files, new ModelRef(files.name(), sha.substring(0, 12)), model, inputShape, spec,
                labels != null ? labels : Labels.indices(classes), classes, sc.softmax(), policy, used, sha);
    }

    /**
     * The ONNX Runtime session behind a DJL model. DJL's {@code describeInput()} gives input names
     * but not shapes or types, so the session (a private field of DJL's OrtSymbolBlock, DJL version
     * pinned in the root pom) is read once per load for its input metadata.
     */
    private static OrtSession sessionOf(Model model, String onnxName) throws ModelRejectedException {
        try {
            java.lang.reflect.Field f = model.getBlock().getClass().getDeclaredField("session");
            f.setAccessible(true);
            OrtSession session = (OrtSession) f.get(model.getBlock());
            if (session == null) {
                throw new IllegalStateException("no session");
            }
            return session;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ModelRejectedException(onnxName, "cannot read the model's input description from DJL "
                    + model.getBlock().getClass().getName() + " (" + e + ")", e);
        }
    }

    /** K for shapes [K], [1,K], [1,K,1,1] and the like (one non-unit dimension); -1 otherwise. */
    private static int classCount(long[] shape) {
        long k = -1;
        for (long d : shape) {
            if (d == 1) {
                continue;
            }
            if (k != -1 || d < 1) {
                return -1;
            }
            k = d;
        }
        return k > Integer.MAX_VALUE ? -1 : (int) k;
    }

    private static int dimension(long fromModel, Integer fromSidecar, String what, String onnxName,
                                 String sidecarName, String inputName, long[] shape) throws ModelRejectedException {
        if (fromModel > 0) {
            if (fromSidecar != null && fromSidecar != fromModel) {
                throw new ModelRejectedException(sidecarName, what + " " + fromSidecar + " contradicts the model's input '"
                        + inputName + "' " + dims(shape));
            }
            return (int) fromModel;
        }
        if (fromSidecar == null) {
            throw new ModelRejectedException(onnxName, "input '" + inputName + "' " + dims(shape) + " has a dynamic "
                    + what + "; give \"" + what + "\" in " + sidecarName);
        }
        if (fromSidecar < 1) {
            throw new ModelRejectedException(sidecarName, what + " must be positive, got " + fromSidecar);
        }
        return fromSidecar;
    }

    private static float[] perChannel(double[] values, int channels, float dflt, String field, String sidecarName) {
        float[] out = new float[channels];
        if (values == null) {
            java.util.Arrays.fill(out, dflt);
            return out;
        }
        if (values.length == 1) {
            java.util.Arrays.fill(out, (float) values[0]);
            return out;
        }
        if (values.length != channels) {
            throw new IllegalArgumentException("\"" + field + "\" has " + values.length + " values; the model has "
                    + channels + " channel(s), so expected 1 or " + channels);
        }
        for (int i = 0; i < channels; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String value, String file, String field)
            throws ModelRejectedException {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder();
            for (E c : type.getEnumConstants()) {
                allowed.append(allowed.length() == 0 ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT));
            }
            throw new ModelRejectedException(file, "\"" + field + "\" is '" + value + "'; expected one of " + allowed);
        }
    }

    /** Shape as {@code [1,3,224,224]}, dynamic dimensions as -1. */
    public static String dims(long[] shape) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            b.append(i == 0 ? "" : ",").append(shape[i]);
        }
        return b.append(']').toString();
    }

    static String sha256(Path file, String name) throws ModelRejectedException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            byte[] buf = new byte[64 * 1024];
            while (in.read(buf) >= 0) {
                // reading feeds the digest
            }
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new ModelRejectedException(name, "cannot be read: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        String msg = e.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) {
                msg = t.getMessage();
            }
        }
        if (msg == null) {
            msg = t.getClass().getSimpleName();
        }
        msg = msg.strip();
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }
}
