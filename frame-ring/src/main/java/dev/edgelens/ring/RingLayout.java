package dev.edgelens.ring;

/**
 * The byte layout of a frame-ring file: the single place where every offset is defined.
 *
 * <p>A ring file is one header followed by {@code slotCount} slots. All integers are little-endian
 * (the native order of x86-64 and arm64, checked at start-up). Offsets are in bytes from the start of the
 * file (header fields) or from the start of a slot (slot fields). {@code docs/frame-ring.md} repeats this
 * table together with the publish/read protocol, precisely enough to write a reader in another language.
 *
 * <pre>
 * File:   [ header (HEADER_LENGTH) ][ slot 0 ][ slot 1 ] ... [ slot N-1 ]
 * Slot i: starts at HEADER_LENGTH + i * slotLength, where slotLength = align(SLOT_HEADER_LENGTH + slotCapacity, PAGE_SIZE)
 * Slot:   [ slot header (SLOT_HEADER_LENGTH) ][ pixels, packed rows (slotCapacity) ][ padding ]
 * </pre>
 *
 * Fields that change while the ring is live are grouped so that each group sits on its own cache line(s):
 * the per-frame cursor, the heartbeat, and the source state are written by different code paths at different
 * rates and must not false-share with the read-mostly geometry.
 */
public final class RingLayout {
    private RingLayout() {
    }

    /** "EDGLRING" read as a little-endian long: bytes 45 44 47 4C 52 49 4E 47 at offset 0. */
    public static final long MAGIC = 0x474E49524C474445L;
    /** Layout version; a reader refuses any other value. Bump on any incompatible change of this class. */
    public static final int VERSION = 1;
    /** Page size used to align the header and slots (mapping- and huge-page friendly). */
    public static final int PAGE_SIZE = 4096;
    /** Size of a cache line; independently written header fields start on their own line. */
    public static final int CACHE_LINE = 64;

    // ---- Header: identity and geometry, written once before the file becomes visible ----

    /** long: {@link #MAGIC}. */
    public static final int MAGIC_OFFSET = 0;
    /** int: {@link #VERSION}. */
    public static final int VERSION_OFFSET = 8;
    /** int: length of the header in bytes, i.e. offset of slot 0 (= {@link #HEADER_LENGTH}). */
    public static final int HEADER_LENGTH_OFFSET = 12;
    /** int: number of slots (2..1024). */
    public static final int SLOT_COUNT_OFFSET = 16;
    /** int: pixel bytes one slot can hold. */
    public static final int SLOT_CAPACITY_OFFSET = 20;
    /** int: distance in bytes from the start of one slot to the next. */
    public static final int SLOT_LENGTH_OFFSET = 24;
    /** int: heartbeat period of the writer in milliseconds. */
    public static final int HEARTBEAT_INTERVAL_MS_OFFSET = 28;
    /** long: total file length in bytes; a shorter file is truncated. */
    public static final int FILE_LENGTH_OFFSET = 32;
    /** long: writer epoch, the writer's start time in microseconds since 1970; new for every writer start. */
    public static final int EPOCH_OFFSET = 40;
    /** long: process id of the writer. */
    public static final int WRITER_PID_OFFSET = 48;

    // ---- Header: the cursor, written once per frame ----

    /** long: sequence number of the newest completely published frame; 0 before the first. Release/acquire. */
    public static final int CURSOR_OFFSET = 64;

    // ---- Header: writer liveness ----

    /** long: CLOCK_MONOTONIC nanoseconds (Java's System.nanoTime) of the writer's last heartbeat. */
    public static final int HEARTBEAT_NANOS_OFFSET = 128;
    /** int: writer state, one of {@link #WRITER_OPEN} or {@link #WRITER_CLOSED}. */
    public static final int WRITER_STATE_OFFSET = 136;

    /** Writer state: the writer is running (liveness then follows from the heartbeat). */
    public static final int WRITER_OPEN = 1;
    /** Writer state: the writer closed the ring cleanly; no more frames will come in this file. */
    public static final int WRITER_CLOSED = 2;

    // ---- Header: source (camera) state, guarded by its own sequence lock ----

    /** long: sequence lock of the source-state fields: odd while they are being written. */
    public static final int SOURCE_LOCK_OFFSET = 192;
    /** int: {@link SourceState#code()}. */
    public static final int SOURCE_STATE_OFFSET = 200;
    /** int: number of UTF-8 bytes in the source detail text. */
    public static final int SOURCE_DETAIL_LENGTH_OFFSET = 204;
    /** long: when the source entered this state, milliseconds since 1970. */
    public static final int SOURCE_SINCE_MILLIS_OFFSET = 208;
    /** bytes: source detail text (e.g. the last error), UTF-8, at most {@link #SOURCE_DETAIL_MAX_BYTES}. */
    public static final int SOURCE_DETAIL_OFFSET = 216;
    /** Capacity of the source detail text. */
    public static final int SOURCE_DETAIL_MAX_BYTES = 512;

    /** Length of the header; slot 0 starts here. */
    public static final int HEADER_LENGTH = PAGE_SIZE;

    // ---- Slot header ----

    /**
     * long: the slot's sequence lock. {@code 2*s-1} while frame {@code s} is being written into the slot,
     * {@code 2*s} once it is complete, 0 if the slot was never written. The frame sequence is therefore
     * {@code lock/2} for an even lock.
     */
    public static final int SLOT_LOCK_OFFSET = 0;
    /** long: capture wall-clock time, microseconds since 1970. */
    public static final int SLOT_CAPTURE_EPOCH_MICROS_OFFSET = 8;
    /** long: capture time, CLOCK_MONOTONIC nanoseconds. */
    public static final int SLOT_CAPTURE_MONO_NANOS_OFFSET = 16;
    /** long: time the writer started copying the frame into the slot, CLOCK_MONOTONIC nanoseconds. */
    public static final int SLOT_PUBLISH_MONO_NANOS_OFFSET = 24;
    /** long: the stream's own timestamp (PTS) in microseconds; {@link #NO_TIMESTAMP} when unknown. */
    public static final int SLOT_STREAM_TIMESTAMP_MICROS_OFFSET = 32;
    /** int: width in pixels. */
    public static final int SLOT_WIDTH_OFFSET = 40;
    /** int: height in pixels. */
    public static final int SLOT_HEIGHT_OFFSET = 44;
    /** int: bytes per row; rows are packed, so this is width * bytes per pixel. */
    public static final int SLOT_STRIDE_OFFSET = 48;
    /** int: {@link PixelFormat#code()}. */
    public static final int SLOT_PIXEL_FORMAT_OFFSET = 52;
    /** int: number of pixel bytes (stride * height). */
    public static final int SLOT_LENGTH_BYTES_OFFSET = 56;
    /** int: number of UTF-8 bytes in the source id. */
    public static final int SLOT_SOURCE_ID_LENGTH_OFFSET = 60;
    /** bytes: source id (camera name), UTF-8, at most {@link #SOURCE_ID_MAX_BYTES}. */
    public static final int SLOT_SOURCE_ID_OFFSET = 64;
    /** Capacity of the source id. */
    public static final int SOURCE_ID_MAX_BYTES = 64;
    /** Length of the slot header; the pixels start here (cache-line aligned). */
    public static final int SLOT_HEADER_LENGTH = 128;

    /** Value of the stream timestamp field when the source gave none. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    /** Smallest and largest slot counts a writer may create. */
    public static final int MIN_SLOTS = 2;
    public static final int MAX_SLOTS = 1024;

    /** Distance between slots for a given pixel capacity. */
    public static int slotLength(int slotCapacity) {
        return align(SLOT_HEADER_LENGTH + slotCapacity, PAGE_SIZE);
    }

    /** Total file length for a geometry, as a long so callers can reject files that cannot be mapped. */
    public static long fileLength(int slotCount, int slotCapacity) {
        return HEADER_LENGTH + (long) slotCount * slotLength(slotCapacity);
    }

    /** Offset of slot {@code index} from the start of the file. */
    public static int slotOffset(int index, int slotLength) {
        return HEADER_LENGTH + index * slotLength;
    }

    /** The slot that frame {@code sequence} (1, 2, 3, ...) is written to. */
    public static int slotIndex(long sequence, int slotCount) {
        return (int) ((sequence - 1) % slotCount);
    }

    /** Lock value of a slot while frame {@code sequence} is being written. */
    public static long writingLock(long sequence) {
        return 2 * sequence - 1;
    }

    /** Lock value of a slot holding complete frame {@code sequence}. */
    public static long completeLock(long sequence) {
        return 2 * sequence;
    }

    private static int align(int value, int alignment) {
        return (value + alignment - 1) & -alignment;
    }
}
