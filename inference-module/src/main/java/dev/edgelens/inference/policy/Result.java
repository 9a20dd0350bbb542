package dev.edgelens.inference.policy;

import dev.edgelens.inference.event.Event;
import dev.edgelens.inference.event.Latency;
import dev.edgelens.inference.event.ModelRef;
import dev.edgelens.inference.event.Prediction;
import dev.edgelens.inference.model.Labels;

import java.util.ArrayList;
import java.util.List;

/**
 * One classification result, held in reusable fields so the per-frame path allocates nothing; an
 * {@link Event} is only built when the policy decides to send one.
 */
public final class Result {

    public String cameraId;
    public long sequence;
    public long captureEpochMicros;
    public long inferenceEpochMicros;
    public ModelRef model;
    public Labels labels;
    public int count;
    public final int[] index = new int[20];
    public final float[] score = new float[20];
    public long captureToRingMicros;
    public long ringToInferenceMicros;
    public long inferenceMicros;

    /** Top-1 class index, or -1 if there is none. */
    public int top() {
        return count > 0 ? index[0] : -1;
    }

    public void copyFrom(Result r) {
        cameraId = r.cameraId;
        sequence = r.sequence;
        captureEpochMicros = r.captureEpochMicros;
        inferenceEpochMicros = r.inferenceEpochMicros;
        model = r.model;
        labels = r.labels;
        count = r.count;
        System.arraycopy(r.index, 0, index, 0, r.count);
        System.arraycopy(r.score, 0, score, 0, r.count);
        captureToRingMicros = r.captureToRingMicros;
        ringToInferenceMicros = r.ringToInferenceMicros;
        inferenceMicros = r.inferenceMicros;
    }

    /** A classification event for this result (allocates: only for results that are sent). */
    public Event toEvent() {
        List<Prediction> top = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            // Float.toString keeps the float's own digits (0.74, not 0.7400000095367432) in the JSON.
            top.add(new Prediction(labels.get(index[i]), index[i], Double.parseDouble(Float.toString(score[i]))));
        }
        return Event.classification(cameraId, sequence, captureEpochMicros, inferenceEpochMicros, model, top,
                new Latency(captureToRingMicros, ringToInferenceMicros, inferenceMicros));
    }
}
