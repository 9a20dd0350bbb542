package dev.edgelens.inference.engine;

/**
 * One camera as the inference loop last saw it.
 *
 * @param id            camera id
 * @param state         source state (streaming, reconnecting, ...), or no-ring when the ring is missing
 * @param detail        the writer's detail text (e.g. an error), or why the ring cannot be opened
 * @param writer        live, stale, closed, or absent
 * @param sinceEpochMillis when the source entered its state (0 = unknown)
 * @param skippedFrames frames never classified (overwritten before being read, no model, torn reads)
 */
public record CameraStatus(String id, String state, String detail, String writer, long sinceEpochMillis,
                           long skippedFrames) {
}
