package dev.edgelens.ring;

import java.io.IOException;

/** A reader waited for a writer to create its ring and none did in time. */
public final class RingTimeoutException extends IOException {
    public RingTimeoutException(String message) {
        super(message);
    }
}
