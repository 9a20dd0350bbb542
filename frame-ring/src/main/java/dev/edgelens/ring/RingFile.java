package dev.edgelens.ring;

import static dev.edgelens.ring.RingLayout.*;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One mapped ring file with its validated geometry. Writers and readers both hold one; a reader swaps
 * its instance when the writer restarts, since every writer start creates a new file (a new inode).
 */
final class RingFile implements AutoCloseable {
    static {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new ExceptionInInitializerError("the frame ring is little-endian; this platform is not");
        }
    }

    final Path path;
    /** Identity of the file (device and inode) used to notice that the path now names a new ring. */
    final Object fileKey;
    final UnsafeBuffer buffer;
    final int slotCount;
    final int slotCapacity;
    final int slotLength;
    final long epoch;
    final int heartbeatMillis;
    private final MappedByteBuffer mapped;

    private RingFile(Path path, Object fileKey, MappedByteBuffer mapped) {
        this.path = path;
        this.fileKey = fileKey;
        this.mapped = mapped;
        this.buffer = new UnsafeBuffer(mapped);
        this.slotCount = buffer.getInt(SLOT_COUNT_OFFSET);
        this.slotCapacity = buffer.getInt(SLOT_CAPACITY_OFFSET);
        this.slotLength = buffer.getInt(SLOT_LENGTH_OFFSET);
        this.epoch = buffer.getLong(EPOCH_OFFSET);
        this.heartbeatMillis = buffer.getInt(HEARTBEAT_INTERVAL_MS_OFFSET);
    }

    /**
     * Creates {@code file} zero-filled, maps it read-write and writes the identity and geometry fields of the
     * header (everything but the magic, which the writer stores last). The writer then renames the file to
     * {@code path}, the name used in messages.
     */
    static RingFile create(Path file, Path path, int slotCount, int slotCapacity, int heartbeatMillis, long epoch)
            throws IOException {
        long length = fileLength(slotCount, slotCapacity);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw");
             FileChannel channel = raf.getChannel()) {
            reserve(channel, path, length, slotCount, slotCapacity);
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
            UnsafeBuffer b = new UnsafeBuffer(mapped);
            b.putInt(VERSION_OFFSET, VERSION);
            b.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
            b.putInt(SLOT_COUNT_OFFSET, slotCount);
            b.putInt(SLOT_CAPACITY_OFFSET, slotCapacity);
            b.putInt(SLOT_LENGTH_OFFSET, RingLayout.slotLength(slotCapacity));
            b.putInt(HEARTBEAT_INTERVAL_MS_OFFSET, heartbeatMillis);
            b.putLong(FILE_LENGTH_OFFSET, length);
            b.putLong(EPOCH_OFFSET, epoch);
            b.putLong(WRITER_PID_OFFSET, ProcessHandle.current().pid());
            return new RingFile(path, fileKey(file), mapped);
        }
    }

    /**
     * Writes zeros over the whole file so that tmpfs allocates every page now. A sparse file would map fine and
     * then kill the writer with SIGBUS (an InternalError in Java) at the first frame that touches a page a full
     * /dev/shm cannot provide; this way a too-small /dev/shm is a clear error at start.
     */
    private static void reserve(FileChannel channel, Path path, long length, int slotCount, int slotCapacity)
            throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
        try {
            for (long position = 0; position < length; ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), length - position));
                position += channel.write(zeros, position);
            }
        } catch (IOException e) {
            throw new IOException("frame ring " + path + ": cannot reserve " + length + " bytes for " + slotCount
                    + " slots of " + slotCapacity + " bytes in " + path.getParent() + " (" + e.getMessage()
                    + "); enlarge it (e.g. docker --shm-size) or use fewer or smaller slots", e);
        }
    }

    /**
     * Maps an existing ring file read-only (readers never write to it) after checking that it is one this version can read.
     *
     * @throws NoSuchFileException if there is no file at {@code path}
     * @throws RingFormatException naming the file and the problem otherwise
     */
    static RingFile open(Path path) throws IOException {
        // NIO, not RandomAccessFile: its FileNotFoundException cannot tell "not there yet" (wait for the writer)
        // from "no permission", and a re-check afterwards races with the writer creating the file.
        Object key;
        FileChannel opened;
        while (true) {
            // The key (inode) must be the opened file's: a writer may replace the path in between.
            key = fileKey(path);
            opened = FileChannel.open(path, StandardOpenOption.READ);
            if (key.equals(fileKey(path))) {
                break;
            }
            opened.close();
        }
        try (FileChannel channel = opened) {
            long size = channel.size();
            if (size < HEADER_LENGTH) {
                throw new RingFormatException(path, "truncated: " + size + " bytes, shorter than the "
                        + HEADER_LENGTH + "-byte header");
            }
            MappedByteBuffer header = channel.map(FileChannel.MapMode.READ_ONLY, 0, HEADER_LENGTH);
            UnsafeBuffer h = new UnsafeBuffer(header);
            long expectedLength;
            try {
                expectedLength = validateHeader(path, h);
            } finally {
                IoUtil.unmap(header);
            }
            if (size < expectedLength) {
                throw new RingFormatException(path, "truncated: " + size + " bytes, but the header describes "
                        + expectedLength + " bytes");
            }
            return new RingFile(path, key, channel.map(FileChannel.MapMode.READ_ONLY, 0, expectedLength));
        }
    }

    /** Checks magic, version and geometry; returns the file length the header describes. */
    private static long validateHeader(Path path, UnsafeBuffer h) throws RingFormatException {
        long magic = h.getLong(MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new RingFormatException(path, String.format(
                    "not a frame ring (magic 0x%016x, expected 0x%016x \"EDGLRING\")", magic, MAGIC));
        }
        int version = h.getInt(VERSION_OFFSET);
        if (version != VERSION) {
            throw new RingFormatException(path, "unsupported layout version " + version
                    + " (this reader supports version " + VERSION + ")");
        }
        int headerLength = h.getInt(HEADER_LENGTH_OFFSET);
        int slots = h.getInt(SLOT_COUNT_OFFSET);
        int capacity = h.getInt(SLOT_CAPACITY_OFFSET);
        int slotLength = h.getInt(SLOT_LENGTH_OFFSET);
        if (headerLength != HEADER_LENGTH || slots < MIN_SLOTS || slots > MAX_SLOTS || capacity <= 0
                || slotLength != RingLayout.slotLength(capacity)) {
            throw new RingFormatException(path, "inconsistent geometry: header " + headerLength + " bytes, "
                    + slots + " slots of capacity " + capacity + " and length " + slotLength);
        }
        long length = fileLength(slots, capacity);
        if (h.getLong(FILE_LENGTH_OFFSET) != length) {
            throw new RingFormatException(path, "inconsistent geometry: file length field "
                    + h.getLong(FILE_LENGTH_OFFSET) + " but " + slots + " slots need " + length + " bytes");
        }
        return length;
    }

    static Object fileKey(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    }

    /** The whole mapping as a ByteBuffer (for slices handed to producers). */
    ByteBuffer byteBuffer() {
        return mapped.duplicate();
    }

    int slotOffset(long sequence) {
        return RingLayout.slotOffset(slotIndex(sequence, slotCount), slotLength);
    }

    @Override
    public void close() {
        IoUtil.unmap(mapped);
    }
}
