package dev.edgelens.ring;

import static dev.edgelens.ring.RingLayout.*;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * The single writer of a frame ring. Each {@link #create} makes a new ring file (a new epoch) and atomically
 * replaces whatever was at the path, so readers never see a half-initialised header and notice the restart by
 * the changed file.
 *
 * <p>{@link #publish} (copy a frame in) and {@link #claim}/{@link #commit} (fill a slot in place) never wait for
 * readers: they overwrite the oldest slot under the slot's sequence lock and readers detect the overwrite
 * themselves. They allocate nothing. Produce frames from one thread; {@link #close} and {@link #setSourceState}
 * may come from other threads (e.g. a shutdown hook or a watchdog).
 */
public final class FrameRingWriter implements AutoCloseable {
    /** Default heartbeat period; readers call a writer stale after {@link FrameRingReader#STALE_HEARTBEATS} missed beats. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofMillis(250);
    /** How long {@link #close} waits for a claim in progress on another thread. */
    public static final Duration CLOSE_CLAIM_WAIT = Duration.ofSeconds(1);

    private final RingFile file;
    private final UnsafeBuffer buffer;
    private final byte[] sourceId;
    private final Thread heartbeat;
    private final FrameClaim claim;
    private long sequence;
    private volatile boolean closed;

    private FrameRingWriter(RingFile file, byte[] sourceId, Duration heartbeatInterval) {
        this.file = file;
        this.buffer = file.buffer;
        this.sourceId = sourceId;
        this.claim = new FrameClaim(file);
        long periodNanos = heartbeatInterval.toNanos();
        this.heartbeat = new Thread(() -> beat(periodNanos), "ring-heartbeat " + file.path.getFileName());
        this.heartbeat.setDaemon(true);
        this.heartbeat.start();
    }

    /** Creates a ring with the default heartbeat. See {@link #create(Path, int, int, String, Duration)}. */
    public static FrameRingWriter create(Path path, int slotCount, int slotCapacity, String sourceId)
            throws IOException {
        return create(path, slotCount, slotCapacity, sourceId, DEFAULT_HEARTBEAT);
    }

    /**
     * Creates a new ring file at {@code path} (mode 0660) and starts heartbeating.
     *
     * @param slotCount    number of frames the ring holds ({@value RingLayout#MIN_SLOTS}..{@value RingLayout#MAX_SLOTS})
     * @param slotCapacity pixel bytes per slot, see {@link #slotCapacityFor}
     * @param sourceId     the camera's name, stored with every frame (at most 64 UTF-8 bytes)
     * @throws IOException if another live writer owns the path, if the path holds a file that is not a frame
     *                     ring, or if the file cannot be created
     */
    public static FrameRingWriter create(Path path, int slotCount, int slotCapacity, String sourceId,
                                         Duration heartbeatInterval) throws IOException {
        if (slotCount < MIN_SLOTS || slotCount > MAX_SLOTS) {
            throw new IllegalArgumentException("frame ring " + path + ": slot count " + slotCount
                    + " out of range " + MIN_SLOTS + ".." + MAX_SLOTS);
        }
        if (slotCapacity <= 0) {
            throw new IllegalArgumentException("frame ring " + path + ": slot capacity " + slotCapacity
                    + " must be positive");
        }
        long length = fileLength(slotCount, slotCapacity);
        if (length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("frame ring " + path + ": " + slotCount + " slots of "
                    + slotCapacity + " bytes need " + length + " bytes, more than the 2 GiB one mapping can hold");
        }
        byte[] id = sourceId.getBytes(StandardCharsets.UTF_8);
        if (id.length > SOURCE_ID_MAX_BYTES) {
            throw new IllegalArgumentException("frame ring " + path + ": source id '" + sourceId + "' is "
                    + id.length + " bytes of UTF-8, at most " + SOURCE_ID_MAX_BYTES + " allowed");
        }
        long heartbeatMillis = heartbeatInterval.toMillis();
        if (heartbeatMillis < 1 || heartbeatMillis > 60_000) {
            throw new IllegalArgumentException("frame ring " + path + ": heartbeat " + heartbeatInterval
                    + " out of range 1 ms..60 s");
        }
        long previousEpoch = refuseLiveWriterOrForeignFile(path);

        Path tmp = path.resolveSibling("." + path.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(tmp);
        // Strictly increasing across restarts even if the wall clock steps back.
        long epoch = Math.max(previousEpoch + 1, System.currentTimeMillis() * 1000);
        RingFile file = RingFile.create(tmp, path, slotCount, slotCapacity, (int) heartbeatMillis, epoch);
        try {
            UnsafeBuffer b = file.buffer;
            b.putInt(SOURCE_STATE_OFFSET, SourceState.UNKNOWN.code());
            b.putLong(SOURCE_SINCE_MILLIS_OFFSET, System.currentTimeMillis());
            b.putLong(HEARTBEAT_NANOS_OFFSET, System.nanoTime());
            b.putInt(WRITER_STATE_OFFSET, WRITER_OPEN);
            b.putLongOrdered(MAGIC_OFFSET, MAGIC);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-rw----"));
            } catch (UnsupportedOperationException notPosix) {
                // Non-POSIX file systems have no mode bits to set.
            }
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            file.close();
            Files.deleteIfExists(tmp);
            throw e;
        }
        return new FrameRingWriter(file, id, heartbeatInterval);
    }

    /** Pixel bytes a slot needs for frames of this geometry (rows are packed). */
    public static int slotCapacityFor(int width, int height, PixelFormat format) {
        long bytes = (long) width * height * format.bytesPerPixel();
        if (width <= 0 || height <= 0 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("frame geometry " + width + "x" + height + " " + format
                    + " is not a valid frame size");
        }
        return (int) bytes;
    }

    /**
     * Copies a frame into the next slot and makes it visible to readers.
     *
     * @param pixels                 the source pixels; read from {@code pixels.position()} on, absolute, position untouched
     * @param srcStride              bytes from one source row to the next (may include padding)
     * @param streamTimestampMicros  the stream's presentation time, or {@link RingLayout#NO_TIMESTAMP}
     * @param captureEpochMicros     when the frame was captured, microseconds since 1970
     * @param captureMonoNanos       when the frame was captured, {@link System#nanoTime()}
     * @return the frame's sequence number (1, 2, 3, ... within this ring file)
     * @throws IllegalArgumentException naming the ring if the frame does not fit a slot or the buffer is short
     */
    public synchronized long publish(ByteBuffer pixels, int srcStride, int width, int height, PixelFormat format,
                                     long streamTimestampMicros, long captureEpochMicros, long captureMonoNanos) {
        int rowBytes = width * format.bytesPerPixel();
        checkSource(pixels, srcStride, width, height, format, rowBytes);
        FrameClaim c = claim(width, height, format);
        int dst = c.slotOffset() + SLOT_HEADER_LENGTH;
        int src = pixels.position();
        if (srcStride == rowBytes) {
            buffer.putBytes(dst, pixels, src, c.length());
        } else {
            for (int row = 0; row < height; row++) {
                buffer.putBytes(dst + row * rowBytes, pixels, src + row * srcStride, rowBytes);
            }
        }
        return commit(c, streamTimestampMicros, captureEpochMicros, captureMonoNanos);
    }

    /**
     * Takes the next slot for the caller to fill in place (see {@link FrameClaim}); the frame becomes visible
     * at {@link #commit}. Until then the slot's lock is odd, so readers skip it. Never blocks on readers.
     *
     * @throws IllegalArgumentException naming the ring if the frame does not fit a slot
     * @throws IllegalStateException    if the previous claim was neither committed nor aborted, or the ring is closed
     */
    public synchronized FrameClaim claim(int width, int height, PixelFormat format) {
        if (closed) {
            throw new IllegalStateException("frame ring " + file.path + " is closed");
        }
        if (claim.isActive()) {
            throw new IllegalStateException("frame ring " + file.path
                    + ": the previous claim was neither committed nor aborted");
        }
        checkSize(width, height, format);
        long seq = ++sequence;
        int slot = file.slotOffset(seq);
        long publishNanos = System.nanoTime();
        // Seqlock: odd value first, and no later store may become visible before it.
        buffer.putLong(slot + SLOT_LOCK_OFFSET, writingLock(seq));
        VarHandle.storeStoreFence();
        claim.bind(slotIndex(seq, file.slotCount), slot, seq, width, height, format, publishNanos);
        return claim;
    }

    /**
     * Publishes a claimed frame: writes its metadata and makes it visible to readers.
     *
     * @return the frame's sequence number
     */
    public synchronized long commit(FrameClaim c, long streamTimestampMicros, long captureEpochMicros,
                                    long captureMonoNanos) {
        requireActive(c);
        if (closed) {
            c.release();
            notifyAll();
            throw new IllegalStateException("frame ring " + file.path + " was closed while the frame was being written");
        }
        UnsafeBuffer b = buffer;
        int slot = c.slotOffset();
        b.putLong(slot + SLOT_CAPTURE_EPOCH_MICROS_OFFSET, captureEpochMicros);
        b.putLong(slot + SLOT_CAPTURE_MONO_NANOS_OFFSET, captureMonoNanos);
        b.putLong(slot + SLOT_PUBLISH_MONO_NANOS_OFFSET, c.publishMonoNanos());
        b.putLong(slot + SLOT_STREAM_TIMESTAMP_MICROS_OFFSET, streamTimestampMicros);
        b.putInt(slot + SLOT_WIDTH_OFFSET, c.width());
        b.putInt(slot + SLOT_HEIGHT_OFFSET, c.height());
        b.putInt(slot + SLOT_STRIDE_OFFSET, c.stride());
        b.putInt(slot + SLOT_PIXEL_FORMAT_OFFSET, c.format().code());
        b.putInt(slot + SLOT_LENGTH_BYTES_OFFSET, c.length());
        b.putInt(slot + SLOT_SOURCE_ID_LENGTH_OFFSET, sourceId.length);
        b.putBytes(slot + SLOT_SOURCE_ID_OFFSET, sourceId);
        // Release stores: everything above is visible before the even lock, and the slot before the cursor.
        b.putLongOrdered(slot + SLOT_LOCK_OFFSET, completeLock(c.sequence()));
        b.putLongOrdered(CURSOR_OFFSET, c.sequence());
        c.release();
        notifyAll(); // a close() may be waiting for the claim to end
        return c.sequence();
    }

    /**
     * Gives a claimed slot up (e.g. the decoder failed halfway). The frame is never shown; its sequence number
     * is used by the next frame. Whatever the slot held before is gone, and readers know it from its odd lock.
     */
    public synchronized void abort(FrameClaim c) {
        requireActive(c);
        sequence--;
        c.release();
        notifyAll();
    }

    private void requireActive(FrameClaim c) {
        if (c != claim || !c.isActive()) {
            throw new IllegalStateException("frame ring " + file.path + ": no such active claim");
        }
    }

    private void checkSize(int width, int height, PixelFormat format) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame ring " + file.path + ": frame size " + width + "x" + height
                    + " must be positive");
        }
        long length = (long) width * height * format.bytesPerPixel();
        if (length > file.slotCapacity) {
            throw new IllegalArgumentException("frame ring " + file.path + ": a " + width + "x" + height + " "
                    + format + " frame needs " + length + " bytes but its slots hold " + file.slotCapacity
                    + " (create the ring for the larger geometry)");
        }
    }

    private void checkSource(ByteBuffer pixels, int srcStride, int width, int height, PixelFormat format,
                             int rowBytes) {
        checkSize(width, height, format);
        if (srcStride < rowBytes) {
            throw new IllegalArgumentException("frame ring " + file.path + ": source stride " + srcStride
                    + " is shorter than a row of " + rowBytes + " bytes");
        }
        long needed = (long) (height - 1) * srcStride + rowBytes;
        if (pixels.limit() - pixels.position() < needed) {
            throw new IllegalArgumentException("frame ring " + file.path + ": pixel buffer has "
                    + (pixels.limit() - pixels.position()) + " bytes, a " + width + "x" + height + " " + format
                    + " frame with stride " + srcStride + " needs " + needed);
        }
    }

    /**
     * Records the source's state and an optional detail (e.g. the last error) for readers to report.
     * A detail longer than {@value RingLayout#SOURCE_DETAIL_MAX_BYTES} UTF-8 bytes is cut.
     */
    public synchronized void setSourceState(SourceState state, String detail) {
        if (closed) {
            return;
        }
        byte[] text = utf8Prefix(detail == null ? "" : detail, SOURCE_DETAIL_MAX_BYTES);
        long lock = buffer.getLong(SOURCE_LOCK_OFFSET);
        buffer.putLong(SOURCE_LOCK_OFFSET, lock + 1);
        VarHandle.storeStoreFence();
        buffer.putInt(SOURCE_STATE_OFFSET, state.code());
        buffer.putLong(SOURCE_SINCE_MILLIS_OFFSET, System.currentTimeMillis());
        buffer.putInt(SOURCE_DETAIL_LENGTH_OFFSET, text.length);
        buffer.putBytes(SOURCE_DETAIL_OFFSET, text);
        buffer.putLongOrdered(SOURCE_LOCK_OFFSET, lock + 2);
    }

    public Path path() {
        return file.path;
    }

    public long epoch() {
        return file.epoch;
    }

    public int slotCount() {
        return file.slotCount;
    }

    public int slotCapacity() {
        return file.slotCapacity;
    }

    /** Sequence number of the last published frame (0 before the first). */
    public synchronized long lastSequence() {
        return sequence;
    }

    /**
     * Marks the ring "writer closed" so readers can tell a clean stop from a crash, then unmaps it. A claim in
     * progress on another thread gets up to {@link #CLOSE_CLAIM_WAIT} to end; if it does not, the mapping is
     * left in place (the producer may still be writing into it) and its commit fails.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean interrupted = false;
        long deadline = System.nanoTime() + CLOSE_CLAIM_WAIT.toNanos();
        for (long left; claim.isActive() && (left = deadline - System.nanoTime()) > 0; ) {
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        heartbeat.interrupt();
        while (heartbeat.isAlive()) {
            try {
                heartbeat.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        buffer.putIntOrdered(WRITER_STATE_OFFSET, WRITER_CLOSED);
        if (!claim.isActive()) {
            file.close();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void beat(long periodNanos) {
        while (!closed && !Thread.currentThread().isInterrupted()) {
            buffer.putLongOrdered(HEARTBEAT_NANOS_OFFSET, System.nanoTime());
            LockSupport.parkNanos(periodNanos);
        }
    }

    /**
     * Refuses to replace a ring whose writer is still alive, or a file that is not a ring at all; returns the
     * epoch of a replaceable old ring (0 if none) so the new epoch is larger.
     */
    private static long refuseLiveWriterOrForeignFile(Path path) throws IOException {
        if (!Files.exists(path)) {
            return 0;
        }
        byte[] start;
        try (InputStream in = Files.newInputStream(path)) {
            start = in.readNBytes(8);
        }
        long magic = start.length == 8 ? ByteBuffer.wrap(start).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong() : 0;
        if (magic != MAGIC) {
            throw new IOException("frame ring " + path + ": the path holds a file that is not a frame ring;"
                    + " refusing to overwrite it");
        }
        try (RingFile old = RingFile.open(path)) {
            UnsafeBuffer b = old.buffer;
            long pid = b.getLong(WRITER_PID_OFFSET);
            boolean open = b.getIntVolatile(WRITER_STATE_OFFSET) == WRITER_OPEN;
            long silentNanos = System.nanoTime() - b.getLongVolatile(HEARTBEAT_NANOS_OFFSET);
            long staleNanos = FrameRingReader.staleAfterNanos(old.heartbeatMillis);
            boolean alive = pid != ProcessHandle.current().pid()
                    && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            if (open && alive && silentNanos < staleNanos) {
                throw new IOException("frame ring " + path + " is in use by a live writer (pid " + pid
                        + "); stop it or choose another ring path");
            }
            return old.epoch;
        } catch (RingFormatException oldLayout) {
            return 0; // an older or damaged ring of ours: replace it
        }
    }

    /** The longest prefix of {@code s} whose UTF-8 encoding fits {@code maxBytes}, cut at a character boundary. */
    static byte[] utf8Prefix(String s, int maxBytes) {
        byte[] all = s.getBytes(StandardCharsets.UTF_8);
        if (all.length <= maxBytes) {
            return all;
        }
        int end = maxBytes;
        while (end > 0 && (all[end] & 0xC0) == 0x80) {
            end--; // do not split a multi-byte character
        }
        return java.util.Arrays.copyOf(all, end);
    }
}
