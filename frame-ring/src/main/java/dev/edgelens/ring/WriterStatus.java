package dev.edgelens.ring;

/** The writer process as a reader sees it. */
public enum WriterStatus {
    /** The writer's heartbeat is fresh. */
    LIVE,
    /** The writer is marked open but its heartbeat stopped: it crashed, was killed or hangs. */
    STALE,
    /** The writer closed the ring cleanly. */
    CLOSED
}
