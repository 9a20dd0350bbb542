package dev.edgelens.inference.preprocess;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.FloatBuffer;

import static org.agrona.UnsafeAccess.UNSAFE;

/**
 * Turns a packed 8-bit frame (BGR, RGB or gray) into a model input tensor in one pass: resize,
 * centre crop (or stretch), colour conversion/channel reorder, scale/mean/std and layout are fused,
 * and only the {@code width x height} output pixels are computed, each by bilinear interpolation
 * straight from the source frame (half-pixel centres, like OpenCV's INTER_LINEAR).
 *
 * <p>The sampling tables depend on the source geometry; they are built by {@link #prepare} when the
 * geometry changes and reused for every frame after that, so {@link #run} allocates nothing. One
 * instance per (model, camera) and thread.
 */
public final class FramePreprocessor {

    private static final int ONE = 2048;
    /** Undoes the two fixed-point weight multiplications. */
    private static final float UNIT = 1f / (ONE * ONE);

    private final PreprocessSpec spec;
    private final int outW;
    private final int outH;
    private final int outC;
    private final float[] out;
    /** Per model channel: value = raw * mul + add. */
    private final float[] mul;
    private final float[] add;
    private final int pixelStride;
    private final int channelStride;

    // Geometry the tables were built for.
    private int srcW = -1;
    private int srcH = -1;
    private int srcStride = -1;
    private int srcChannels = -1;
    private boolean srcBgr;
    // Sampling tables: byte offsets of the two source columns/rows and the weight of the second.
    // Weights are 11-bit fixed point (0..2048): integer interpolation avoids four int-to-float
    // conversions per sample, and 255 * 2048 * 2048 still fits an int.
    private int[] xOff0;
    private int[] xOff1;
    private int[] xW;
    private int[] yOff0;
    private int[] yOff1;
    private int[] yW;
    /** For 3-channel sources feeding a 3-channel model: source channel k goes to model channel srcToOut[k]. */
    private final int[] srcToOut = new int[3];
    /** Reused wrapper for heap frames. */
    private final UnsafeBuffer heapView = new UnsafeBuffer(new byte[0]);

    public FramePreprocessor(PreprocessSpec spec) {
        this.spec = spec;
        this.outW = spec.width();
        this.outH = spec.height();
        this.outC = spec.channels();
        this.out = new float[spec.tensorSize()];
        this.mul = new float[outC];
        this.add = new float[outC];
        float[] mean = spec.mean();
        float[] std = spec.std();
        for (int c = 0; c < outC; c++) {
            mul[c] = spec.scale() / std[c];
            add[c] = -mean[c] / std[c];
        }
        if (spec.layout() == Layout.NCHW) {
            pixelStride = 1;
            channelStride = outW * outH;
        } else {
            pixelStride = outC;
            channelStride = 1;
        }
    }

    public PreprocessSpec spec() {
        return spec;
    }

    /**
     * Builds the sampling tables for frames of this geometry (no-op when unchanged).
     *
     * @param width       source width in pixels
     * @param height      source height in pixels
     * @param stride      bytes per source row
     * @param channels    bytes per source pixel: 1 (gray) or 3
     * @param bgr         for 3-channel sources: true if the bytes are B,G,R (false: R,G,B)
     */
    public void prepare(int width, int height, int stride, int channels, boolean bgr) {
        if (width == srcW && height == srcH && stride == srcStride && channels == srcChannels && bgr == srcBgr) {
            return;
        }
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("frame must have 1 or 3 bytes per pixel, got " + channels);
        }
        if (stride < width * channels) {
            throw new IllegalArgumentException("row stride " + stride + " is shorter than a row of "
                    + width + " pixels x " + channels + " bytes");
        }
        double scaleX;
        double scaleY;
        double cropX;
        double cropY;
        if (spec.resize() == ResizeMode.CROP) {
            double s = (double) spec.resizeShort() / Math.min(width, height);
            // The resized image is round(w*s) x round(h*s); the crop is its centre.
            long rw = Math.max(outW, Math.round(width * s));
            long rh = Math.max(outH, Math.round(height * s));
            scaleX = (double) width / rw;
            scaleY = (double) height / rh;
            cropX = (rw - outW) / 2;
            cropY = (rh - outH) / 2;
        } else {
            scaleX = (double) width / outW;
            scaleY = (double) height / outH;
            cropX = 0;
            cropY = 0;
        }
        xOff0 = new int[outW];
        xOff1 = new int[outW];
        xW = new int[outW];
        bilinearTaps(outW, cropX, scaleX, width, channels, xOff0, xOff1, xW);
        yOff0 = new int[outH];
        yOff1 = new int[outH];
        yW = new int[outH];
        bilinearTaps(outH, cropY, scaleY, height, stride, yOff0, yOff1, yW);
        if (channels == 3 && outC == 3) {
            boolean modelBgr = spec.colorOrder() == ColorOrder.BGR;
            for (int k = 0; k < 3; k++) {
                srcToOut[k] = bgr == modelBgr ? k : 2 - k;
            }
        }
        srcW = width;
        srcH = height;
        srcStride = stride;
        srcChannels = channels;
        srcBgr = bgr;
    }

    /**
     * Precomputes, for each output position along one axis, the two source taps (as byte offsets: index * step)
     * and the fixed-point weight of the second, for pixel-centre-aligned bilinear sampling of the cropped source.
     */
    private static void bilinearTaps(int outN, double crop, double scale, int size, int step,
                                     int[] off0, int[] off1, int[] weight) {
        for (int o = 0; o < outN; o++) {
            double s = (o + crop + 0.5) * scale - 0.5;
            int i0 = clamp((int) Math.floor(s), size);
            int i1 = clamp(i0 + 1, size);
            double f = s - Math.floor(s);
            if (s < 0 || i0 == i1) {
                f = 0;
            }
            off0[o] = i0 * step;
            off1[o] = i1 * step;
            weight[o] = (int) Math.round(f * ONE);
        }
    }

    private static int clamp(int v, int size) {
        return v < 0 ? 0 : Math.min(v, size - 1);
    }

    /**
     * Converts one frame into {@link #output()}. {@link #prepare} must have been called for this
     * frame's geometry. Reads only the source bytes the output pixels need.
     *
     * @param src    the frame's pixels (heap or off-heap)
     * @param offset index of the first byte of the frame in {@code src}
     */
    public void run(DirectBuffer src, int offset) {
        if (srcW < 0) {
            throw new IllegalStateException("prepare() was not called");
        }
        long last = (long) offset + (long) (srcH - 1) * srcStride + (long) srcW * srcChannels;
        if (offset < 0 || last > src.capacity()) {
            throw new IndexOutOfBoundsException("frame of " + srcW + "x" + srcH + " x" + srcChannels
                    + " bytes (stride " + srcStride + ") at offset " + offset + " does not fit a buffer of "
                    + src.capacity() + " bytes");
        }
        // Unsafe reads on the buffer's base object/address: the per-call field loads and bounds
        // checks of DirectBuffer.getByte tripled the cost; the whole frame was bounds-checked above.
        Object base = src.byteArray();
        long address = src.addressOffset() + offset;
        if (srcChannels == 3 && outC == 3) {
            runColour(base, address);
        } else if (srcChannels == 3) {
            runColourToGray(base, address);
        } else {
            runGray(base, address);
        }
    }

    /** {@link #run(DirectBuffer, int)} for a frame in a heap array. */
    public void run(byte[] src, int offset) {
        heapView.wrap(src);
        run(heapView, offset);
    }

    /** Convenience: {@link #run} then copy the tensor into {@code dst} from its position 0. */
    public void run(DirectBuffer src, int offset, FloatBuffer dst) {
        run(src, offset);
        dst.clear();
        dst.put(out);
        dst.flip();
    }

    private void runColour(Object src, long offset) {
        final float[] o = out;
        final int ps = pixelStride;
        final int o0 = srcToOut[0] * channelStride;
        final int o1 = srcToOut[1] * channelStride;
        final int o2 = srcToOut[2] * channelStride;
        final float m0 = mul[srcToOut[0]] * UNIT;
        final float m1 = mul[srcToOut[1]] * UNIT;
        final float m2 = mul[srcToOut[2]] * UNIT;
        final float a0 = add[srcToOut[0]];
        final float a1 = add[srcToOut[1]];
        final float a2 = add[srcToOut[2]];
        for (int y = 0; y < outH; y++) {
            final long r0 = offset + yOff0[y];
            final long r1 = offset + yOff1[y];
            final int fy = yW[y];
            final int gy = ONE - fy;
            int dst = y * outW * ps;
            for (int x = 0; x < outW; x++, dst += ps) {
                final long i00 = r0 + xOff0[x];
                final long i01 = r0 + xOff1[x];
                final long i10 = r1 + xOff0[x];
                final long i11 = r1 + xOff1[x];
                final int fx = xW[x];
                final int gx = ONE - fx;
                int t0 = (UNSAFE.getByte(src, i00) & 0xFF) * gx + (UNSAFE.getByte(src, i01) & 0xFF) * fx;
                int b0 = (UNSAFE.getByte(src, i10) & 0xFF) * gx + (UNSAFE.getByte(src, i11) & 0xFF) * fx;
                int t1 = (UNSAFE.getByte(src, i00 + 1) & 0xFF) * gx + (UNSAFE.getByte(src, i01 + 1) & 0xFF) * fx;
                int b1 = (UNSAFE.getByte(src, i10 + 1) & 0xFF) * gx + (UNSAFE.getByte(src, i11 + 1) & 0xFF) * fx;
                int t2 = (UNSAFE.getByte(src, i00 + 2) & 0xFF) * gx + (UNSAFE.getByte(src, i01 + 2) & 0xFF) * fx;
                int b2 = (UNSAFE.getByte(src, i10 + 2) & 0xFF) * gx + (UNSAFE.getByte(src, i11 + 2) & 0xFF) * fx;
                o[o0 + dst] = (t0 * gy + b0 * fy) * m0 + a0;
                o[o1 + dst] = (t1 * gy + b1 * fy) * m1 + a1;
                o[o2 + dst] = (t2 * gy + b2 * fy) * m2 + a2;
            }
        }
    }

    private void runColourToGray(Object src, long offset) {
        // ITU-R BT.601 luma, the usual colour-to-gray conversion.
        final float w0 = (srcBgr ? 0.114f : 0.299f) * UNIT;
        final float w1 = 0.587f * UNIT;
        final float w2 = (srcBgr ? 0.299f : 0.114f) * UNIT;
        final float m = mul[0];
        final float a = add[0];
        for (int y = 0; y < outH; y++) {
            final long r0 = offset + yOff0[y];
            final long r1 = offset + yOff1[y];
            final int fy = yW[y];
            int dst = y * outW * pixelStride;
            for (int x = 0; x < outW; x++, dst += pixelStride) {
                final long i00 = r0 + xOff0[x];
                final long i01 = r0 + xOff1[x];
                final long i10 = r1 + xOff0[x];
                final long i11 = r1 + xOff1[x];
                final int fx = xW[x];
                float v = w0 * lerp2(src, i00, i01, i10, i11, fx, fy)
                        + w1 * lerp2(src, i00 + 1, i01 + 1, i10 + 1, i11 + 1, fx, fy)
                        + w2 * lerp2(src, i00 + 2, i01 + 2, i10 + 2, i11 + 2, fx, fy);
                out[dst] = v * m + a;
            }
        }
    }

    private void runGray(Object src, long offset) {
        for (int y = 0; y < outH; y++) {
            final long r0 = offset + yOff0[y];
            final long r1 = offset + yOff1[y];
            final int fy = yW[y];
            int dst = y * outW * pixelStride;
            for (int x = 0; x < outW; x++, dst += pixelStride) {
                float v = lerp2(src, r0 + xOff0[x], r0 + xOff1[x], r1 + xOff0[x], r1 + xOff1[x], xW[x], fy) * UNIT;
                for (int c = 0; c < outC; c++) {
                    out[dst + c * channelStride] = v * mul[c] + add[c];
                }
            }
        }
    }

    /** Bilinear sample in fixed point: the result is the value times ONE * ONE. */
    private static int lerp2(Object src, long i00, long i01, long i10, long i11, int fx, int fy) {
        int gx = ONE - fx;
        int top = (UNSAFE.getByte(src, i00) & 0xFF) * gx + (UNSAFE.getByte(src, i01) & 0xFF) * fx;
        int bottom = (UNSAFE.getByte(src, i10) & 0xFF) * gx + (UNSAFE.getByte(src, i11) & 0xFF) * fx;
        return top * (ONE - fy) + bottom * fy;
    }

    /** The tensor of the last {@link #run}, in the model's layout (reused: copy before the next run). */
    public float[] output() {
        return out;
    }
}
