package dev.edgelens.inference.event;

/**
 * One entry of a top-k result.
 *
 * @param label human-readable class name (from the labels file, or the index as text without one)
 * @param index class index in the model's output vector
 * @param score probability (after softmax when the model outputs logits) or the model's own score
 */
public record Prediction(String label, int index, double score) {
}
