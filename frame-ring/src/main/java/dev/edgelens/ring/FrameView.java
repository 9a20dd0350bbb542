package dev.edgelens.ring;

import static dev.edgelens.ring.RingLayout.*;

import java.lang.invoke.VarHandle;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A zero-copy look at a frame while it sits in shared memory. The writer may overwrite the slot at any time,
 * so after using {@link #pixels()} (and any metadata) call {@link #isValid()}: if it returns false, whatever was
 * computed from the view must be thrown away. A view is only usable until the next call on its reader.
 */
public final class FrameView extends FrameMetadata {
    private final FrameRingReader reader;
    private final UnsafeBuffer pixels = new UnsafeBuffer(0, 0);
    private RingFile file;
    private int lockOffset;
    private long lock;

    FrameView(FrameRingReader reader) {
        this.reader = reader;
    }

    /** Binds the view to a slot whose lock read {@code lock}; false if the metadata is implausible. */
    boolean bind(RingFile file, int slot, long lock, long sequence) {
        if (!readFrom(file.buffer, slot, sequence, file.epoch, file.slotCapacity)) {
            return false;
        }
        this.file = file;
        this.lockOffset = slot + SLOT_LOCK_OFFSET;
        this.lock = lock;
        pixels.wrap(file.buffer, slot + SLOT_HEADER_LENGTH, length());
        return true;
    }

    /** The pixels in shared memory (packed rows, {@link #length()} bytes). Check {@link #isValid()} after use. */
    public DirectBuffer pixels() {
        return pixels;
    }

    /** True if the writer has not touched the slot since the view was taken, i.e. everything read from it is whole. */
    public boolean isValid() {
        if (!reader.isCurrent(file)) {
            return false; // the reader moved to a new ring file; the old mapping is gone
        }
        VarHandle.loadLoadFence(); // the reads of the pixels happen before the re-read of the lock
        return file.buffer.getLongVolatile(lockOffset) == lock;
    }
}
