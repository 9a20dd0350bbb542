package dev.edgelens.ring;

import static dev.edgelens.ring.RingLayout.*;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads frames from a ring that one writer process fills. Readers never slow the writer: they take the newest
 * frame ({@link #readLatest}, {@link #viewLatest}) or the next one in order ({@link #readNext}), detect frames
 * overwritten under them through the slot's sequence lock, and count what they missed.
 *
 * <p>A reader follows writer restarts by itself: every writer start creates a new file at the path, and when no
 * new frame is available the reader checks (at most every {@link #FILE_CHECK_INTERVAL}) whether the path names
 * another file, then maps it, whatever its geometry. Use one reader per thread; frames are delivered without
 * allocation once the {@link Frame} holder has grown to the frame size.
 */
public final class FrameRingReader implements AutoCloseable {
    /** A writer whose heartbeat is this many periods old (and at least one second) is reported stale. */
    public static final int STALE_HEARTBEATS = 4;
    /** How often an idle reader looks for a restarted writer. */
    public static final Duration FILE_CHECK_INTERVAL = Duration.ofMillis(100);

    private static final int MAX_ATTEMPTS = 16;
    private static final long FILE_CHECK_NANOS = FILE_CHECK_INTERVAL.toNanos();

    private final Path path;
    private final FrameView view = new FrameView(this);
    private final byte[] detailBytes = new byte[SOURCE_DETAIL_MAX_BYTES];
    private RingFile file;
    private long lastSequence;
    private long missed;
    private long rejected;
    private long nextFileCheck;
    private int restarts;
    private long sourceLockSeen = -1;
    private SourceStatus sourceStatus;

    private FrameRingReader(Path path, RingFile file) {
        this.path = path;
        this.file = file;
        // Start live: the newest frame present now is the first one delivered, nothing before it counts as missed.
        this.lastSequence = Math.max(0, cursor() - 1);
    }

    /**
     * Opens the ring at {@code path}, waiting up to {@code waitForWriter} for a writer to create it.
     *
     * @throws RingTimeoutException if no ring appeared in time
     * @throws RingFormatException  if the file is not a ring this version can read
     */
    public static FrameRingReader open(Path path, Duration waitForWriter) throws IOException {
        long deadline = System.nanoTime() + waitForWriter.toNanos();
        while (true) {
            try {
                return new FrameRingReader(path, RingFile.open(path));
            } catch (NoSuchFileException e) {
                if (System.nanoTime() - deadline >= 0) {
                    throw new RingTimeoutException("frame ring " + path + ": no writer created it within "
                            + waitForWriter.toMillis() + " ms (is the capture module running with this ring path?)");
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for frame ring " + path);
                }
            }
        }
    }

    /**
     * Copies the newest frame into {@code dst} if it is newer than the last frame this reader returned.
     * Frames published in between count as missed.
     *
     * @return true if {@code dst} now holds a new, untorn frame; false if there is nothing new
     */
    public boolean readLatest(Frame dst) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            long cursor = newestUnseen();
            if (cursor == 0) {
                return false;
            }
            if (copy(cursor, dst)) {
                deliver(cursor);
                return true;
            }
        }
        return false;
    }

    /**
     * Copies the frame after the last one returned into {@code dst}, or, if the writer has already overwritten
     * it, the oldest frame still safe to read (counting the skipped ones as missed).
     *
     * @return true if {@code dst} now holds a new, untorn frame; false if there is nothing new
     */
    public boolean readNext(Frame dst) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            long cursor = newestUnseen();
            if (cursor == 0) {
                return false;
            }
            // The slot after the newest may be under rewrite right now, so the oldest safe frame is cursor-slots+2.
            long oldestSafe = Math.max(1, cursor - file.slotCount + 2);
            long wanted = Math.max(lastSequence + 1, oldestSafe);
            if (copy(wanted, dst)) {
                deliver(wanted);
                return true;
            }
        }
        return false;
    }

    /**
     * A zero-copy view of the newest frame if it is newer than the last one returned, else null. The view
     * stays usable until the next call on this reader; check {@link FrameView#isValid()} after using it.
     */
    public FrameView viewLatest() {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            long cursor = newestUnseen();
            if (cursor == 0) {
                return null;
            }
            int slot = file.slotOffset(cursor);
            UnsafeBuffer b = file.buffer;
            long lock = b.getLongVolatile(slot + SLOT_LOCK_OFFSET);
            if (lock == completeLock(cursor) && view.bind(file, slot, lock, cursor) && view.isValid()) {
                deliver(cursor);
                return view;
            }
            rejected++;
        }
        return null;
    }

    /** Seqlock read of frame {@code sequence} into {@code dst}; false if the slot no longer holds it whole. */
    private boolean copy(long sequence, Frame dst) {
        int slot = file.slotOffset(sequence);
        UnsafeBuffer b = file.buffer;
        long lock = b.getLongVolatile(slot + SLOT_LOCK_OFFSET);
        if (lock == completeLock(sequence) && dst.readFrom(b, slot, sequence, file.epoch, file.slotCapacity)) {
            dst.copyPixels(b, slot + SLOT_HEADER_LENGTH, dst.length());
            VarHandle.loadLoadFence(); // the copy completes before the lock is read again
            if (b.getLongVolatile(slot + SLOT_LOCK_OFFSET) == lock) {
                return true;
            }
        }
        rejected++;
        return false;
    }

    private void deliver(long sequence) {
        missed += sequence - lastSequence - 1;
        lastSequence = sequence;
    }

    /**
     * The newest frame this reader has not delivered yet, or 0 if there is none, even after following a restarted
     * writer to its new file.
     */
    private long newestUnseen() {
        long cursor = cursor();
        if (cursor <= lastSequence && switchedToNewFile()) {
            cursor = cursor();
        }
        return cursor > lastSequence ? cursor : 0;
    }

    private long cursor() {
        return file.buffer.getLongVolatile(CURSOR_OFFSET);
    }

    /**
     * If the path now names another ring file (the writer restarted), maps it and starts over at its first
     * frame. Rate-limited, and only called when the current file has nothing new, so it costs nothing per frame.
     */
    private boolean switchedToNewFile() {
        return switchedToNewFile(false);
    }

    private boolean switchedToNewFile(boolean now) {
        long time = System.nanoTime();
        if (!now && time - nextFileCheck < 0) {
            return false;
        }
        nextFileCheck = time + FILE_CHECK_NANOS;
        try {
            if (RingFile.fileKey(path).equals(file.fileKey)) {
                return false;
            }
            RingFile next = RingFile.open(path);
            file.close();
            file = next;
        } catch (IOException e) {
            return false; // gone or being replaced: keep the current mapping and look again later
        }
        lastSequence = 0; // every frame of the new epoch is new to us
        sourceLockSeen = -1;
        restarts++;
        return true;
    }

    /** LIVE, STALE (open but heartbeat stopped) or CLOSED; also notices a restarted writer. */
    public WriterStatus writerStatus() {
        switchedToNewFile();
        if (closed()) {
            // A writer that re-creates its ring (new geometry) closes the old file once the new one is in place:
            // look at the path now, not at the next scheduled check, before reporting a close.
            switchedToNewFile(true);
            if (closed()) {
                return WriterStatus.CLOSED;
            }
        }
        long silent = System.nanoTime() - file.buffer.getLongVolatile(HEARTBEAT_NANOS_OFFSET);
        return silent > staleAfterNanos(file.heartbeatMillis) ? WriterStatus.STALE : WriterStatus.LIVE;
    }

    private boolean closed() {
        return file.buffer.getIntVolatile(WRITER_STATE_OFFSET) == WRITER_CLOSED;
    }

    static long staleAfterNanos(int heartbeatMillis) {
        return Math.max(1_000_000_000L, STALE_HEARTBEATS * heartbeatMillis * 1_000_000L);
    }

    /** The source state the writer last reported; the same instance until it changes. */
    public SourceStatus sourceStatus() {
        UnsafeBuffer b = file.buffer;
        for (int attempt = 0; ; attempt++) {
            long lock = b.getLongVolatile(SOURCE_LOCK_OFFSET);
            if (lock == sourceLockSeen) {
                return sourceStatus;
            }
            if ((lock & 1) == 0) {
                int state = b.getInt(SOURCE_STATE_OFFSET);
                long since = b.getLong(SOURCE_SINCE_MILLIS_OFFSET);
                int length = Math.min(Math.max(b.getInt(SOURCE_DETAIL_LENGTH_OFFSET), 0), SOURCE_DETAIL_MAX_BYTES);
                b.getBytes(SOURCE_DETAIL_OFFSET, detailBytes, 0, length);
                VarHandle.loadLoadFence();
                if (b.getLongVolatile(SOURCE_LOCK_OFFSET) == lock) {
                    sourceLockSeen = lock;
                    sourceStatus = new SourceStatus(SourceState.fromCode(state),
                            new String(detailBytes, 0, length, StandardCharsets.UTF_8), since);
                    return sourceStatus;
                }
            }
            if (attempt > 1000) {
                // A writer killed halfway through an update leaves the lock odd forever.
                return sourceStatus != null ? sourceStatus : new SourceStatus(SourceState.UNKNOWN, "", 0);
            }
            Thread.onSpinWait();
        }
    }

    /** Frames this reader never saw: overwritten before it got to them, or skipped for a newer one. */
    public long missedFrames() {
        return missed;
    }

    /** Reads discarded because the writer was rewriting the slot at the time (each was retried). */
    public long rejectedReads() {
        return rejected;
    }

    /** Sequence of the last frame returned, in the current epoch. */
    public long lastSequence() {
        return lastSequence;
    }

    /** How many times this reader followed the writer to a new ring file. */
    public int writerRestarts() {
        return restarts;
    }

    public long epoch() {
        return file.epoch;
    }

    public long writerPid() {
        return file.buffer.getLong(WRITER_PID_OFFSET);
    }

    public int slotCount() {
        return file.slotCount;
    }

    public int slotCapacity() {
        return file.slotCapacity;
    }

    public Path path() {
        return path;
    }

    boolean isCurrent(RingFile f) {
        return f == file;
    }

    @Override
    public void close() {
        file.close();
    }
}
