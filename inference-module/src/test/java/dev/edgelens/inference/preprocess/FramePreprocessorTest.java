package dev.edgelens.inference.preprocess;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FramePreprocessorTest {

    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    /** The straightforward way: bilinear-resize the whole frame, then crop, then normalise. */
    private static float[] reference(byte[] bgr, int w, int h, int rw, int rh, int out) {
        float[] resized = new float[rw * rh * 3];
        for (int y = 0; y < rh; y++) {
            double sy = Math.max(0, (y + 0.5) * h / rh - 0.5);
            int y0 = (int) sy;
            int y1 = Math.min(y0 + 1, h - 1);
            double fy = sy - y0;
            for (int x = 0; x < rw; x++) {
                double sx = Math.max(0, (x + 0.5) * w / rw - 0.5);
                int x0 = (int) sx;
                int x1 = Math.min(x0 + 1, w - 1);
                double fx = sx - x0;
                for (int c = 0; c < 3; c++) {
                    double top = (bgr[(y0 * w + x0) * 3 + c] & 0xFF) * (1 - fx) + (bgr[(y0 * w + x1) * 3 + c] & 0xFF) * fx;
                    double bot = (bgr[(y1 * w + x0) * 3 + c] & 0xFF) * (1 - fx) + (bgr[(y1 * w + x1) * 3 + c] & 0xFF) * fx;
                    resized[(y * rw + x) * 3 + c] = (float) (top * (1 - fy) + bot * fy);
                }
            }
        }
        float[] t = new float[3 * out * out];
        int cx = (rw - out) / 2;
        int cy = (rh - out) / 2;
        for (int c = 0; c < 3; c++) { // model channel c = RGB; source is BGR
            for (int y = 0; y < out; y++) {
                for (int x = 0; x < out; x++) {
                    float v = resized[((y + cy) * rw + x + cx) * 3 + (2 - c)];
                    t[c * out * out + y * out + x] = (v / 255f - MEAN[c]) / STD[c];
                }
            }
        }
        return t;
    }

    @Test
    void fusedPathMatchesResizeThenCropThenNormalise() {
        int w = 640;
        int h = 360;
        byte[] bgr = new byte[w * h * 3];
        new Random(7).nextBytes(bgr);
        PreprocessSpec spec = new PreprocessSpec(224, 224, 3, Layout.NCHW, ColorOrder.RGB, ResizeMode.CROP, 256,
                1 / 255f, MEAN, STD);
        FramePreprocessor p = new FramePreprocessor(spec);
        p.prepare(w, h, w * 3, 3, true);
        // Off-heap, as frames are read from the ring.
        ByteBuffer direct = ByteBuffer.allocateDirect(bgr.length);
        direct.put(bgr).flip();
        p.run(new UnsafeBuffer(direct), 0);
        float[] expected = reference(bgr, w, h, Math.round(w * 256f / h), 256, 224);
        // Fixed-point weights: within 0.1 grey level, i.e. 0.1 / 255 / std after normalising.
        assertArrayEquals(expected, p.output(), 0.1f / 255f / 0.224f);
    }

    @Test
    void channelOrderLayoutAndGrayConversions() {
        // A 2x2 BGR frame stretched to 2x2: every output pixel is exactly its source pixel.
        byte[] bgr = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100, (byte) 110, (byte) 120};
        float[] one = {0, 0, 0};
        float[] unit = {1, 1, 1};
        FramePreprocessor nhwcRgb = new FramePreprocessor(new PreprocessSpec(2, 2, 3, Layout.NHWC, ColorOrder.RGB,
                ResizeMode.STRETCH, 0, 1f, one, unit));
        nhwcRgb.prepare(2, 2, 6, 3, true);
        nhwcRgb.run(bgr, 0);
        assertArrayEquals(new float[]{30, 20, 10, 60, 50, 40, 90, 80, 70, 120, 110, 100}, nhwcRgb.output(), 1e-3f);

        FramePreprocessor nchwBgr = new FramePreprocessor(new PreprocessSpec(2, 2, 3, Layout.NCHW, ColorOrder.BGR,
                ResizeMode.STRETCH, 0, 1f, one, unit));
        nchwBgr.prepare(2, 2, 6, 3, true);
        nchwBgr.run(bgr, 0);
        assertArrayEquals(new float[]{10, 40, 70, 100, 20, 50, 80, 110, 30, 60, 90, 120}, nchwBgr.output(), 1e-3f);

        FramePreprocessor gray = new FramePreprocessor(new PreprocessSpec(2, 2, 1, Layout.NCHW, ColorOrder.RGB,
                ResizeMode.STRETCH, 0, 1f, new float[]{0}, new float[]{1}));
        gray.prepare(2, 2, 6, 3, true);
        gray.run(bgr, 0);
        assertEquals(0.114f * 10 + 0.587f * 20 + 0.299f * 30, gray.output()[0], 1e-3f);

        // A gray frame feeding a colour model: the value in every channel, normalised per channel.
        FramePreprocessor fromGray = new FramePreprocessor(new PreprocessSpec(2, 2, 3, Layout.NCHW, ColorOrder.RGB,
                ResizeMode.STRETCH, 0, 0.5f, new float[]{0, 1, 2}, unit));
        fromGray.prepare(2, 2, 2, 1, false);
        fromGray.run(new byte[]{2, 4, 6, 8}, 0);
        assertArrayEquals(new float[]{1, 2, 3, 4, 0, 1, 2, 3, -1, 0, 1, 2}, fromGray.output(), 1e-3f);
    }

    @Test
    void aFrameLargerThanItsBufferIsRefused() {
        FramePreprocessor p = new FramePreprocessor(new PreprocessSpec(4, 4, 3, Layout.NCHW, ColorOrder.RGB,
                ResizeMode.STRETCH, 0, 1f, new float[]{0, 0, 0}, new float[]{1, 1, 1}));
        p.prepare(100, 100, 300, 3, true);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> p.run(new byte[1000], 0));
        assertEquals(true, e.getMessage().contains("100x100"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.prepare(10, 10, 20, 3, true), "stride too short");
    }
}
