package dev.edgelens.ring;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * A frame copied out of the ring: metadata plus a private copy of the pixels, safe to keep and use at leisure.
 * Reuse one instance per reader; its pixel array grows only when a larger frame arrives.
 */
public final class Frame extends FrameMetadata {
    private byte[] pixels = new byte[0];

    public Frame() {
    }

    /** The pixels, packed rows; only the first {@link #length()} bytes belong to this frame. */
    public byte[] pixels() {
        return pixels;
    }

    void copyPixels(UnsafeBuffer b, int offset, int length) {
        if (pixels.length < length) {
            pixels = new byte[length];
        }
        b.getBytes(offset, pixels, 0, length);
    }
}
