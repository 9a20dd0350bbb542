package dev.edgelens.tools.camerahealth;

import static dev.edgelens.tools.camerahealth.OnnxGraphBuilder.FLOAT;

import dev.edgelens.tools.camerahealth.OnnxGraphBuilder.Attr;
import java.util.List;

/**
 * The camera-health classifier as an ONNX graph: image statistics computed by fixed operators
 * (no learned weights), then a fixed rule turned into a class-score vector.
 *
 * <p>Input {@code image} [1,3,224,224] float, RGB, values 0..1 (the sidecar tells the inference
 * module so). Output {@code scores} [1,5] in label order ok, dark, overexposed, covered, blurred;
 * the scores are already probabilities (sum 1, no softmax needed), and their argmax is exactly
 * the documented rule below. See docs/models.md "camera-health (default model)".
 *
 * <p>Features, all on luma Y = 0.299 R + 0.587 G + 0.114 B:
 * <ul>
 *   <li>brightness = mean(Y)</li>
 *   <li>contrast = std(Y)</li>
 *   <li>clipped = fraction of pixels with Y &gt; {@value #CLIPPED_LEVEL}</li>
 *   <li>sharpness = rms(Laplacian(Y)) / rms(Laplacian(avgpool2x2(Y))): fine-scale detail relative
 *       to detail one octave coarser. Natural images are close to scale invariant (power spectrum
 *       about 1/f^2), so a sharp picture scores near 1 whatever its content and whatever factor it
 *       was resized by; blur removes the finest octave first and pushes it well below 1.</li>
 * </ul>
 *
 * <p>Rule, first match wins:
 * <ol>
 *   <li>dark: brightness &lt; {@value #DARK_BELOW}</li>
 *   <li>overexposed: brightness &gt; {@value #BRIGHT_ABOVE}, or brightness &gt;
 *       {@value #BRIGHT_WITH_CLIPPING_ABOVE} and clipped &gt; {@value #CLIPPED_FRACTION_ABOVE}</li>
 *   <li>covered: contrast &lt; {@value #FLAT_CONTRAST_BELOW}</li>
 *   <li>blurred: sharpness &lt; {@value #SHARPNESS_BELOW}</li>
 *   <li>ok otherwise</li>
 * </ol>
 */
public final class CameraHealthModel {
    public static final int SIZE = 224;
    public static final List<String> LABELS = List.of("ok", "dark", "overexposed", "covered", "blurred");

    public static final float DARK_BELOW = 0.12f;
    public static final float BRIGHT_ABOVE = 0.85f;
    public static final float BRIGHT_WITH_CLIPPING_ABOVE = 0.7f;
    public static final float CLIPPED_LEVEL = 0.95f;
    public static final float CLIPPED_FRACTION_ABOVE = 0.25f;
    public static final float FLAT_CONTRAST_BELOW = 0.03f;
    public static final float SHARPNESS_BELOW = 0.45f;

    /**
     * Margin units: how far past a threshold counts as clearly past it. A winner one unit past its
     * threshold scores sigmoid(2) = 0.88, two units 0.98; exactly at the threshold 0.5.
     */
    public static final float BRIGHTNESS_UNIT = 0.04f;
    public static final float CLIPPED_UNIT = 0.1f;
    public static final float CONTRAST_UNIT = 0.01f;
    public static final float SHARPNESS_UNIT = 0.1f;

    /** Names of the diagnostic feature vector, in order. */
    public static final List<String> FEATURES = List.of("brightness", "contrast", "sharpness", "clipped");

    private static final int IR_VERSION = 8;
    private static final int OPSET = 17;

    private CameraHealthModel() {
    }

    /** The shipped model: one output, the class scores. */
    public static byte[] onnx() {
        return build(false);
    }

    /** The same graph with a second output {@code features} [1,4] (see {@link #FEATURES}), for tests and tuning. */
    public static byte[] onnxWithFeatures() {
        return build(true);
    }

    public static String labelsFile() {
        return String.join("\n", LABELS) + "\n";
    }

    private static byte[] build(boolean withFeatures) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("camera_health");
        g.input("image", FLOAT, 1, 3, SIZE, SIZE);

        // Luma as a [1,3] x [3, H*W] product, kept as one [H,W] plane. (A 1x1 Conv would do the
        // same, but ONNX Runtime runs single-channel convolutions slowly, through layout reorders.)
        String planes = g.node("Reshape", "planes", "image",
                g.int64Constant("shape_3xhw", new long[] {2}, 3, SIZE * SIZE));
        String lumaW = g.floatConstant("luma_weights", new long[] {1, 3}, 0.299f, 0.587f, 0.114f);
        String y = g.node("Reshape", "luma", g.node("MatMul", "luma_flat", lumaW, planes),
                g.int64Constant("shape_hw", new long[] {2}, SIZE, SIZE));

        // [1,1] statistics: reducing both axes with keepdims leaves a [1,1] tensor.
        String b = g.node("ReduceMean", "brightness", List.of(y), Attr.ofInt("keepdims", 1));
        String centred = g.node("Sub", "centred", y, b);
        String c = g.node("Sqrt", "contrast", g.node("Div", "variance",
                g.node("ReduceSumSquare", "centred_sq_sum", List.of(centred), Attr.ofInt("keepdims", 1)),
                g.scalar("pixel_count", (float) SIZE * SIZE)));

        String clippedMask = g.node("Greater", "clipped_mask", y, g.scalar("clipped_level", CLIPPED_LEVEL));
        String clip = g.node("ReduceMean", "clipped",
                List.of(g.node("Cast", "clipped_f", List.of(clippedMask), Attr.ofInt("to", FLOAT))),
                Attr.ofInt("keepdims", 1));

        // Laplacian energy at the input scale and one octave coarser (2x2 mean pool).
        String fineEnergy = laplacianEnergy(g, "fine", y, SIZE);
        String pooled = g.node("Reshape", "luma_half",
                g.node("AveragePool", "luma_half_4d",
                        List.of(g.node("Reshape", "luma_4d", y,
                                g.int64Constant("shape_11hw", new long[] {4}, 1, 1, SIZE, SIZE))),
                        Attr.ofInts("kernel_shape", 2, 2), Attr.ofInts("strides", 2, 2)),
                g.int64Constant("shape_half", new long[] {2}, SIZE / 2, SIZE / 2));
        String coarseEnergy = laplacianEnergy(g, "coarse", pooled, SIZE / 2);
        // Epsilon: a perfectly uniform frame gives 0/0; it is "covered" before sharpness matters.
        String s = g.node("Sqrt", "sharpness", g.node("Div", "lap_ratio", fineEnergy,
                g.node("Add", "lap_coarse_energy_eps", coarseEnergy, g.scalar("eps", 1e-12f))));

        // Signed margins, positive when the condition holds, in "units" of clear distance.
        String zDark = unitMargin(g, "z_dark", g.scalar("dark_below", DARK_BELOW), b, BRIGHTNESS_UNIT);
        String zBright = unitMargin(g, "z_bright", b, g.scalar("bright_above", BRIGHT_ABOVE), BRIGHTNESS_UNIT);
        // "Bright and largely clipped" is an AND: its margin is the smaller of the two.
        String zBrightish = unitMargin(g, "z_brightish", b,
                g.scalar("bright_with_clipping_above", BRIGHT_WITH_CLIPPING_ABOVE), BRIGHTNESS_UNIT);
        String zClipped = unitMargin(g, "z_clipped", clip,
                g.scalar("clipped_fraction_above", CLIPPED_FRACTION_ABOVE), CLIPPED_UNIT);
        String zOver = g.node("Max", "z_over", zBright, g.node("Min", "z_bright_clipped", zBrightish, zClipped));
        String zCovered = unitMargin(g, "z_covered", g.scalar("flat_contrast_below", FLAT_CONTRAST_BELOW), c,
                CONTRAST_UNIT);
        String zBlurred = unitMargin(g, "z_blurred", g.scalar("sharpness_below", SHARPNESS_BELOW), s,
                SHARPNESS_UNIT);
        String zRaw = g.node("Concat", "z_raw", List.of(zDark, zOver, zCovered, zBlurred), Attr.ofInt("axis", 1));
        String z = g.node("Clip", "z", zRaw, g.scalar("z_min", -10f), g.scalar("z_max", 10f));

        // Cascade: the first condition that holds wins; none holding means ok.
        String zero = g.scalar("zero", 0f);
        String one = g.scalar("one", 1f);
        String hit = g.node("Cast", "hit", List.of(g.node("Greater", "hit_b", z, zero)), Attr.ofInt("to", FLOAT));
        String hitsSoFar = g.node("CumSum", "hits_so_far", hit, g.int64Constant("axis_1", new long[0], 1));
        String isFirst = g.node("Cast", "is_first",
                List.of(g.node("Less", "is_first_b", hitsSoFar, g.scalar("one_and_half", 1.5f))),
                Attr.ofInt("to", FLOAT));
        String first = g.node("Mul", "first_hit", hit, isFirst);
        String anyHit = g.node("ReduceMax", "any_hit", List.of(hit), Attr.ofInts("axes", 1), Attr.ofInt("keepdims", 1));
        String none = g.node("Sub", "none_hit", one, anyHit);
        String oneHot = g.node("Concat", "one_hot", List.of(none, first), Attr.ofInt("axis", 1));

        // Confidence of the winner: its own margin, or for ok the smallest distance to any threshold.
        String winnerMargin = g.node("ReduceMax", "winner_margin", List.of(g.node("Mul", "first_z", first, z)),
                Attr.ofInts("axes", 1), Attr.ofInt("keepdims", 1));
        String okMargin = g.node("Neg", "ok_margin",
                g.node("ReduceMax", "max_z", List.of(z), Attr.ofInts("axes", 1), Attr.ofInt("keepdims", 1)));
        String margin = g.node("Add", "margin", winnerMargin, g.node("Mul", "ok_margin_if_none", none, okMargin));
        String confidence = g.node("Sigmoid", "confidence",
                g.node("Mul", "margin_x2", margin, g.scalar("two", 2f)));
        String rest = g.node("Mul", "rest", g.node("Sub", "one_minus_conf", one, confidence),
                g.scalar("quarter", 0.25f));
        g.node("Add", "scores",
                g.node("Mul", "winner_part", oneHot, g.node("Sub", "conf_minus_rest", confidence, rest)), rest);
        g.output("scores", FLOAT, 1, LABELS.size());

        if (withFeatures) {
            g.node("Concat", "features", List.of(b, c, s, clip), Attr.ofInt("axis", 1));
            g.output("features", FLOAT, 1, FEATURES.size());
        }
        g.metadata("labels", String.join(",", LABELS));
        g.metadata("source", "generated by tools/camera-health (dev.edgelens.tools.camerahealth.CameraHealthModel)");
        return g.build(IR_VERSION, OPSET, "edgelens-camera-health", "1",
                "Camera health: ok/dark/overexposed/covered/blurred from brightness, contrast, clipping and "
                        + "Laplacian sharpness. Input RGB 0..1 [1,3,224,224]; output probabilities [1,5].");
    }

    /**
     * Mean squared 4-neighbour Laplacian of an n x n plane over its interior, as shifted slices:
     * up + down + left + right - 4 * centre.
     */
    private static String laplacianEnergy(OnnxGraphBuilder g, String name, String plane, int n) {
        String axes = g.int64Constant(name + "_axes", new long[] {2}, 0, 1);
        String centre = slice(g, name + "_centre", plane, axes, 1, 1, n - 1, n - 1);
        String up = slice(g, name + "_up", plane, axes, 0, 1, n - 2, n - 1);
        String down = slice(g, name + "_down", plane, axes, 2, 1, n, n - 1);
        String left = slice(g, name + "_left", plane, axes, 1, 0, n - 1, n - 2);
        String right = slice(g, name + "_right", plane, axes, 1, 2, n - 1, n);
        String vertical = g.node("Add", name + "_vertical", up, down);
        String horizontal = g.node("Add", name + "_horizontal", left, right);
        String neighbours = g.node("Add", name + "_neighbours", vertical, horizontal);
        String laplacian = g.node("Sub", name + "_laplacian", neighbours,
                g.node("Mul", name + "_centre_x4", centre, g.scalar(name + "_four", 4f)));
        return g.node("Div", name + "_energy",
                g.node("ReduceSumSquare", name + "_sq_sum", List.of(laplacian), Attr.ofInt("keepdims", 1)),
                g.scalar(name + "_count", (float) (n - 2) * (n - 2)));
    }

    private static String slice(OnnxGraphBuilder g, String name, String plane, String axes,
                                long rowStart, long colStart, long rowEnd, long colEnd) {
        return g.node("Slice", name, plane, g.int64Constant(name + "_starts", new long[] {2}, rowStart, colStart),
                g.int64Constant(name + "_ends", new long[] {2}, rowEnd, colEnd), axes);
    }

    /** (larger - smaller) / unit, as a [1,1] tensor. */
    private static String unitMargin(OnnxGraphBuilder g, String name, String larger, String smaller, float unit) {
        return g.node("Div", name, g.node("Sub", name + "_diff", larger, smaller), g.scalar(name + "_unit", unit));
    }
}
