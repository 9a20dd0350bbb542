package dev.edgelens.inference.event;

/**
 * Cumulative per-camera counters since the program started, sent with heartbeats.
 *
 * @param framesProcessed frames run through the model
 * @param framesSkipped   frames the camera produced that were never run (overwritten while the
 *                        model was busy: only the newest frame is ever classified)
 * @param eventsSuppressed classification results the event policy did not send (steady scene,
 *                        hysteresis, low confidence, minimum interval)
 */
public record Counters(long framesProcessed, long framesSkipped, long eventsSuppressed) {
}
