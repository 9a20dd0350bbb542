package dev.edgelens.inference.preprocess;

/** Channel order a 3-channel model expects. */
public enum ColorOrder {
    RGB,
    BGR
}
