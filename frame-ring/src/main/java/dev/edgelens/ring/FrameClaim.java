package dev.edgelens.ring;

import java.nio.ByteBuffer;

/**
 * A slot handed to the writer's producer to fill in place ({@link FrameRingWriter#claim}): a decoder or scaler
 * can write its output straight into shared memory, saving the copy {@link FrameRingWriter#publish} makes.
 * Readers cannot see the frame until {@link FrameRingWriter#commit}. One instance per writer, reused.
 */
public final class FrameClaim {
    private final ByteBuffer[] slotPixels;
    private final long[] slotAddresses;
    private int slot;
    private int slotOffset;
    private long sequence;
    private int width;
    private int height;
    private int length;
    private PixelFormat format;
    private long publishMonoNanos;
    private boolean active;

    FrameClaim(RingFile file) {
        slotPixels = new ByteBuffer[file.slotCount];
        slotAddresses = new long[file.slotCount];
        ByteBuffer whole = file.byteBuffer();
        for (int i = 0; i < file.slotCount; i++) {
            int offset = RingLayout.slotOffset(i, file.slotLength) + RingLayout.SLOT_HEADER_LENGTH;
            slotPixels[i] = whole.slice(offset, file.slotCapacity);
            slotAddresses[i] = file.buffer.addressOffset() + offset;
        }
    }

    void bind(int slot, int slotOffset, long sequence, int width, int height, PixelFormat format, long publishMonoNanos) {
        this.slot = slot;
        this.slotOffset = slotOffset;
        this.sequence = sequence;
        this.width = width;
        this.height = height;
        this.format = format;
        this.length = width * height * format.bytesPerPixel();
        this.publishMonoNanos = publishMonoNanos;
        this.active = true;
    }

    void release() {
        active = false;
    }

    boolean isActive() {
        return active;
    }

    /** The slot's pixel memory: packed rows of {@link #stride()} bytes, position 0, capacity = slot capacity. */
    public ByteBuffer pixels() {
        return slotPixels[slot];
    }

    /** Native address of the slot's first pixel byte, for native code (e.g. FFmpeg's swscale) to write to. */
    public long address() {
        return slotAddresses[slot];
    }

    /** Index of the slot (0..slotCount-1); lets a producer cache per-slot native wrappers. */
    public int slotIndex() {
        return slot;
    }

    /** The sequence number the frame will have once committed. */
    public long sequence() {
        return sequence;
    }

    /** Bytes per row the producer must write (rows are packed). */
    public int stride() {
        return width * format.bytesPerPixel();
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public PixelFormat format() {
        return format;
    }

    /** Number of pixel bytes the frame has. */
    public int length() {
        return length;
    }

    int slotOffset() {
        return slotOffset;
    }

    long publishMonoNanos() {
        return publishMonoNanos;
    }
}
