package dev.edgelens.inference.preprocess;

/** Memory order of the model's input tensor. */
public enum Layout {
    /** {@code [N, C, H, W]}: one plane per channel. */
    NCHW,
    /** {@code [N, H, W, C]}: channels interleaved per pixel. */
    NHWC
}
