package dev.edgelens.inference.engine;

import dev.edgelens.inference.event.ModelRef;
import dev.edgelens.inference.model.ExecutionProvider;

import java.util.List;

/**
 * The classification of one frame outside the event flow (e.g. a snapshot).
 *
 * @param model    the model that ran
 * @param provider where it ran
 * @param top      best classes first
 */
public record Classification(ModelRef model, ExecutionProvider provider, List<Entry> top) {

    /** One class: index in the model's output, label, score (probability after softmax). */
    public record Entry(int index, String label, float score) {
    }
}
