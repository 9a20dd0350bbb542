package dev.edgelens.inference.event;

/**
 * Where the time between capture and result went, in microseconds.
 *
 * @param captureToRingMicros   capture (decoder output) until the frame was published in the ring
 * @param ringToInferenceMicros published in the ring until inference started (queueing + preprocessing)
 * @param inferenceMicros       model run plus postprocessing
 */
public record Latency(long captureToRingMicros, long ringToInferenceMicros, long inferenceMicros) {
}
