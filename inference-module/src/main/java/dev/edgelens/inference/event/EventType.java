package dev.edgelens.inference.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What an {@link Event} reports; serialised by its JSON name (e.g. {@code "model-changed"}). */
public enum EventType {
    /** The top label of a camera changed (after hysteresis), or a result passed the policy. */
    CLASSIFICATION("classification"),
    /** Periodic "still alive" message per camera with its current state and counters. */
    HEARTBEAT("heartbeat"),
    /** A new model was loaded, validated and switched to. */
    MODEL_CHANGED("model-changed"),
    /** A candidate model was refused; the running model (if any) keeps running. */
    MODEL_REJECTED("model-rejected"),
    /** A camera's source or writer state changed (streaming, reconnecting, stale, closed). */
    SOURCE_STATE("source-state");

    private final String jsonName;

    EventType(String jsonName) {
        this.jsonName = jsonName;
    }

    @JsonValue
    public String jsonName() {
        return jsonName;
    }

    @JsonCreator
    public static EventType fromJsonName(String name) {
        for (EventType t : values()) {
            if (t.jsonName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown event type '" + name
                + "'; expected one of classification, heartbeat, model-changed, model-rejected, source-state");
    }
}
