package dev.edgelens.ring;

/** State of the video source as the writer last reported it in the ring header. */
public enum SourceState {
    /** The writer has not reported a state yet. */
    UNKNOWN(0),
    /** Opening the source for the first time. */
    CONNECTING(1),
    /** Frames are being decoded and published. */
    STREAMING(2),
    /** The source failed or stalled; the writer is retrying (the detail says why). */
    RECONNECTING(3),
    /** The writer stopped reading the source on purpose. */
    STOPPED(4);

    private final int code;

    SourceState(int code) {
        this.code = code;
    }

    /** The value stored in the ring header. */
    public int code() {
        return code;
    }

    /** The state for a stored code; unknown codes read as {@link #UNKNOWN}. */
    public static SourceState fromCode(int code) {
        for (SourceState s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
