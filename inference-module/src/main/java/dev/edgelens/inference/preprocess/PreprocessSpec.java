package dev.edgelens.inference.preprocess;

import java.util.Arrays;

/**
 * Everything needed to turn a frame into a model input tensor. A value {@code v} in 0..255 of
 * model channel {@code c} becomes {@code (v * scale - mean[c]) / std[c]}.
 *
 * @param width       model input width (pixels)
 * @param height      model input height (pixels)
 * @param channels    1 (grayscale) or 3 (colour)
 * @param layout      NCHW or NHWC
 * @param colorOrder  channel order for 3-channel models
 * @param resize      crop (keep aspect ratio) or stretch
 * @param resizeShort crop mode: the short side is scaled to this before the centre crop
 *                    (at least {@code max(width, height)})
 * @param scale       multiplier applied to raw 0..255 values first
 * @param mean        per model channel, subtracted after scaling ({@code channels} entries)
 * @param std         per model channel, divides after the mean ({@code channels} entries, non-zero)
 */
public record PreprocessSpec(int width, int height, int channels, Layout layout, ColorOrder colorOrder,
                             ResizeMode resize, int resizeShort, float scale, float[] mean, float[] std) {

    public PreprocessSpec {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("input size must be positive, got " + width + "x" + height);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException("mean and std need " + channels + " values each, got "
                    + mean.length + " and " + std.length);
        }
        for (float s : std) {
            if (s == 0f || !Float.isFinite(s)) {
                throw new IllegalArgumentException("std values must be finite and non-zero, got "
                        + Arrays.toString(std));
            }
        }
        if (resize == ResizeMode.CROP && resizeShort < Math.max(width, height)) {
            throw new IllegalArgumentException("resizeShort " + resizeShort + " is smaller than the crop "
                    + width + "x" + height);
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** The usual short side for a crop to {@code width x height}: the 256/224 ratio of ImageNet models. */
    public static int defaultResizeShort(int width, int height) {
        return (int) Math.round(Math.max(width, height) * 256.0 / 224.0);
    }

    /** Number of floats in one input tensor. */
    public int tensorSize() {
        return width * height * channels;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }
}
