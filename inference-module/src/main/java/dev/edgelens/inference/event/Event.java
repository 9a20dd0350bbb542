package dev.edgelens.inference.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One result event, immutable and serialised by {@link EventJson} (fields that do not apply to a
 * type are left out of the JSON). The JSON Schema is in {@code docs/events.md}.
 *
 * <p>Which fields each type carries:
 * <ul>
 *   <li>all: {@code id} (random UUID, for de-duplication by the receiver), {@code type},
 *       {@code time} (when the event was created, ISO-8601 UTC)</li>
 *   <li>{@code classification}: cameraId, frameSequence, captureTime, inferenceTime, model, topK,
 *       latency</li>
 *   <li>{@code heartbeat}: cameraId, model, source, counters; plus frameSequence, captureTime,
 *       inferenceTime, topK, latency of the last result when there is one</li>
 *   <li>{@code model-changed}: model, previousModel (absent for the first model), file, reason
 *       (why this model was chosen)</li>
 *   <li>{@code model-rejected}: file, reason (what is wrong with it), model (the one still running,
 *       absent if none)</li>
 *   <li>{@code source-state}: cameraId, source</li>
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"id", "type", "time", "cameraId", "frameSequence", "captureTime", "inferenceTime",
        "model", "topK", "latency", "source", "counters", "previousModel", "file", "reason"})
public record Event(
        String id,
        EventType type,
        String time,
        String cameraId,
        Long frameSequence,
        String captureTime,
        String inferenceTime,
        ModelRef model,
        List<Prediction> topK,
        Latency latency,
        SourceInfo source,
        Counters counters,
        ModelRef previousModel,
        String file,
        String reason) {

    public Event {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        topK = topK == null ? null : List.copyOf(topK);
    }

    /** A classification result of one frame. */
    public static Event classification(String cameraId, long frameSequence, long captureEpochMicros,
                                       long inferenceEpochMicros, ModelRef model, List<Prediction> topK,
                                       Latency latency) {
        return new Event(newId(), EventType.CLASSIFICATION, now(), cameraId, frameSequence,
                isoFromMicros(captureEpochMicros), isoFromMicros(inferenceEpochMicros), model, topK, latency,
                null, null, null, null, null);
    }

    /**
     * A heartbeat for one camera. {@code last} is the camera's latest classification (its frame,
     * times, top-k and latency are copied) or null if nothing was classified yet.
     */
    public static Event heartbeat(String cameraId, ModelRef model, Event last, SourceInfo source,
                                  Counters counters) {
        return new Event(newId(), EventType.HEARTBEAT, now(), cameraId,
                last == null ? null : last.frameSequence(),
                last == null ? null : last.captureTime(),
                last == null ? null : last.inferenceTime(),
                model,
                last == null ? null : last.topK(),
                last == null ? null : last.latency(),
                source, counters, null, null, null);
    }

    /** The running model changed to {@code model} (loaded from {@code file}). */
    public static Event modelChanged(ModelRef model, ModelRef previous, String file, String reason) {
        return new Event(newId(), EventType.MODEL_CHANGED, now(), null, null, null, null, model, null, null,
                null, null, previous, file, reason);
    }

    /** {@code file} was refused for {@code reason}; {@code running} keeps running (null if none). */
    public static Event modelRejected(String file, String reason, ModelRef running) {
        return new Event(newId(), EventType.MODEL_REJECTED, now(), null, null, null, null, running, null, null,
                null, null, null, file, reason);
    }

    /** A camera's source or writer state changed. */
    public static Event sourceState(String cameraId, SourceInfo source) {
        return new Event(newId(), EventType.SOURCE_STATE, now(), cameraId, null, null, null, null, null, null,
                source, null, null, null, null);
    }

    /** The label of the best prediction, or null if there is none. */
    public String topLabel() {
        return topK == null || topK.isEmpty() ? null : topK.get(0).label();
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    static String now() {
        return Instant.now().toString();
    }

    /** ISO-8601 UTC text for a time given in microseconds since the epoch. */
    public static String isoFromMicros(long epochMicros) {
        return Instant.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L),
                Math.floorMod(epochMicros, 1_000_000L) * 1_000L).toString();
    }
}
