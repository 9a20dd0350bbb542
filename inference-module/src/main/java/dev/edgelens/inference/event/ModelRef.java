package dev.edgelens.inference.event;

/**
 * Identifies the model that produced a result.
 *
 * @param name   file name without {@code .onnx}, e.g. {@code mobilenetv2-12-int8}
 * @param sha256 first 12 hex digits of the SHA-256 of the {@code .onnx} file
 */
public record ModelRef(String name, String sha256) {
}
