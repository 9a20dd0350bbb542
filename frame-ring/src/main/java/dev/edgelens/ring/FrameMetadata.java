package dev.edgelens.ring;

import static dev.edgelens.ring.RingLayout.*;

import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;

/** Everything a slot says about its frame. Reused from frame to frame; the source id string is decoded once. */
public class FrameMetadata {
    private long sequence;
    private long epoch;
    private long captureEpochMicros;
    private long captureMonoNanos;
    private long publishMonoNanos;
    private long streamTimestampMicros;
    private int width;
    private int height;
    private int stride;
    private int length;
    private PixelFormat format;
    private final byte[] sourceIdBytes = new byte[SOURCE_ID_MAX_BYTES];
    private int sourceIdLength;
    private String sourceId = "";

    FrameMetadata() {
    }

    /**
     * Reads the slot header at {@code slot}. Returns false when the values cannot describe a frame (the slot
     * was being rewritten under us); the caller then discards the read, as the sequence lock would anyway.
     */
    final boolean readFrom(UnsafeBuffer b, int slot, long sequence, long epoch, int slotCapacity) {
        int w = b.getInt(slot + SLOT_WIDTH_OFFSET);
        int h = b.getInt(slot + SLOT_HEIGHT_OFFSET);
        int s = b.getInt(slot + SLOT_STRIDE_OFFSET);
        int len = b.getInt(slot + SLOT_LENGTH_BYTES_OFFSET);
        PixelFormat f = PixelFormat.fromCode(b.getInt(slot + SLOT_PIXEL_FORMAT_OFFSET));
        int idLen = b.getInt(slot + SLOT_SOURCE_ID_LENGTH_OFFSET);
        if (f == null || len < 0 || len > slotCapacity || idLen < 0 || idLen > SOURCE_ID_MAX_BYTES) {
            return false;
        }
        this.sequence = sequence;
        this.epoch = epoch;
        this.width = w;
        this.height = h;
        this.stride = s;
        this.length = len;
        this.format = f;
        this.captureEpochMicros = b.getLong(slot + SLOT_CAPTURE_EPOCH_MICROS_OFFSET);
        this.captureMonoNanos = b.getLong(slot + SLOT_CAPTURE_MONO_NANOS_OFFSET);
        this.publishMonoNanos = b.getLong(slot + SLOT_PUBLISH_MONO_NANOS_OFFSET);
        this.streamTimestampMicros = b.getLong(slot + SLOT_STREAM_TIMESTAMP_MICROS_OFFSET);
        readSourceId(b, slot + SLOT_SOURCE_ID_OFFSET, idLen);
        return true;
    }

    private void readSourceId(UnsafeBuffer b, int offset, int idLen) {
        boolean same = idLen == sourceIdLength;
        for (int i = 0; i < idLen; i++) {
            byte c = b.getByte(offset + i);
            same &= sourceIdBytes[i] == c;
            sourceIdBytes[i] = c;
        }
        if (!same) {
            sourceIdLength = idLen;
            sourceId = null; // decoded on demand
        }
    }

    /** Frame sequence number, 1, 2, 3, ... within one writer epoch. */
    public long sequence() {
        return sequence;
    }

    /** The writer epoch the frame belongs to; it changes when the writer restarts. */
    public long epoch() {
        return epoch;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Bytes per row; rows are packed, so always width * bytes per pixel. */
    public int stride() {
        return stride;
    }

    /** Number of pixel bytes. */
    public int length() {
        return length;
    }

    public PixelFormat format() {
        return format;
    }

    /** Capture time, microseconds since 1970. */
    public long captureEpochMicros() {
        return captureEpochMicros;
    }

    /** Capture time, CLOCK_MONOTONIC nanoseconds (comparable with {@link System#nanoTime()} on the same host). */
    public long captureMonoNanos() {
        return captureMonoNanos;
    }

    /** When the writer began copying the frame into the ring, CLOCK_MONOTONIC nanoseconds. */
    public long publishMonoNanos() {
        return publishMonoNanos;
    }

    /** The stream's presentation time in microseconds, or {@link RingLayout#NO_TIMESTAMP}. */
    public long streamTimestampMicros() {
        return streamTimestampMicros;
    }

    /** The source (camera) id the writer stamped on the frame. */
    public String sourceId() {
        if (sourceId == null) {
            sourceId = new String(sourceIdBytes, 0, sourceIdLength, StandardCharsets.UTF_8);
        }
        return sourceId;
    }
}
