package dev.edgelens.capture;

import dev.edgelens.ring.FrameRingWriter;
import dev.edgelens.ring.PixelFormat;
import dev.edgelens.ring.SourceState;
import org.bytedeco.javacv.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The camera's frame ring as the capture sessions see it. The ring exists from the start (with a placeholder
 * geometry unless an output size is fixed) so readers can report "connecting"; slots are sized from the first
 * decoded frame, and a geometry change re-creates the ring (a new epoch, which readers pick up by themselves).
 *
 * <p>Only the session that currently owns the sink may publish: a session the watchdog gave up on may return
 * from a stuck FFmpeg call much later, and its frames must not reach the ring.
 */
final class RingSink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RingSink.class);

    private final Path path;
    private final int slots;
    private final String cameraId;
    private final PixelFormat format;
    private FrameRingWriter writer;
    private int width;
    private int height;
    private Object owner;
    private SourceState state = SourceState.UNKNOWN;
    private String detail = "";
    private boolean closed;

    RingSink(Path path, int slots, String cameraId, PixelFormat format, int width, int height) throws IOException {
        this.path = path;
        this.slots = slots;
        this.cameraId = cameraId;
        this.format = format;
        // Placeholder 16x16 until the first frame tells the real geometry (unless it is fixed by --output-size).
        this.width = width > 0 ? width : 16;
        this.height = height > 0 ? height : 16;
        this.writer = FrameRingWriter.create(path, slots, FrameRingWriter.slotCapacityFor(this.width, this.height, format),
                cameraId);
    }

    /** Makes {@code session} the only one allowed to publish. */
    synchronized void claim(Object session) {
        owner = session;
    }

    /**
     * Copies a decoded frame from JavaCV's buffer straight into the next slot.
     *
     * @return false if {@code session} no longer owns the sink (it must stop) or the sink is closed
     */
    synchronized boolean publish(Object session, Frame frame, long streamMicros, long epochMicros, long monoNanos) {
        if (session != owner || closed) {
            return false;
        }
        if (frame.imageWidth != width || frame.imageHeight != height) {
            recreate(frame.imageWidth, frame.imageHeight);
        }
        writer.publish((ByteBuffer) frame.image[0], frame.imageStride, frame.imageWidth, frame.imageHeight, format,
                streamMicros, epochMicros, monoNanos);
        return true;
    }

    private void recreate(int newWidth, int newHeight) {
        FrameRingWriter old = writer;
        try {
            writer = FrameRingWriter.create(path, slots, FrameRingWriter.slotCapacityFor(newWidth, newHeight, format),
                    cameraId);
        } catch (IOException e) {
            throw new UncheckedIOException("frame ring " + path + ": cannot re-create it for " + newWidth + "x"
                    + newHeight + ": " + e.getMessage(), e);
        }
        writer.setSourceState(state, detail);
        old.close(); // the old file was already replaced at the path: readers move to the new one
        LOG.info("frame ring {}: {}x{} {} frames, {} slots (was {}x{})", path, newWidth, newHeight, format, slots,
                width, height);
        width = newWidth;
        height = newHeight;
    }

    /** Records the source state for readers (credentials must already be masked in {@code detail}). */
    synchronized void state(SourceState newState, String newDetail) {
        state = newState;
        detail = newDetail == null ? "" : newDetail;
        if (!closed) {
            writer.setSourceState(newState, detail);
        }
    }

    synchronized Path path() {
        return writer.path();
    }

    synchronized long epoch() {
        return writer.epoch();
    }

    /** Marks the ring "writer closed"; later publishes are refused. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            writer.close();
        }
    }
}
