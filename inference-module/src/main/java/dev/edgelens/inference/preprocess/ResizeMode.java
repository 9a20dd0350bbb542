package dev.edgelens.inference.preprocess;

/** How a frame is fitted to the model's input size. */
public enum ResizeMode {
    /** Scale the short side to {@code resizeShort}, keeping the aspect ratio, then take the centre. */
    CROP,
    /** Scale width and height independently to the input size (aspect ratio not kept). */
    STRETCH
}
