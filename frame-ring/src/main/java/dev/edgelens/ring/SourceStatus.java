package dev.edgelens.ring;

/**
 * The video source's state as published by the writer.
 *
 * @param state            what the source is doing
 * @param detail           free text, e.g. the last error while reconnecting; empty when there is none
 * @param sinceEpochMillis when the source entered this state, milliseconds since 1970
 */
public record SourceStatus(SourceState state, String detail, long sinceEpochMillis) {
}
