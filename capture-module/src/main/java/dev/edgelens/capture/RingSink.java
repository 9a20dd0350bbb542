package dev.edgelens.capture;

import dev.edgelens.ring.FrameClaim;
import dev.edgelens.ring.FrameRingWriter;
import dev.edgelens.ring.PixelFormat;
import dev.edgelens.ring.SourceState;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The camera's frame ring as the capture sessions see it. The ring exists from the start (with a placeholder
 * geometry unless an output size is fixed) so readers can report "connecting"; slots are sized from the first
 * decoded frame, and a geometry change re-creates the ring (a new epoch, which readers pick up by themselves).
 *
 * <p>Only the session that currently owns the sink may publish: a session the watchdog gave up on may return
 * from a stuck FFmpeg call much later, and its frames must not reach the ring.
 */
public final class RingSink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RingSink.class);

    private final Path path;
    private final int slots;
    private final String cameraId;
    private final PixelFormat format;
    private int fixedWidth;
    private int fixedHeight;
    private final SlotConverter converter = new SlotConverter();
    private FrameRingWriter writer;
    private int width;
    private int height;
    private Object owner;
    private SourceState state = SourceState.UNKNOWN;
    private String detail = "";
    private boolean closed;
    private long published;

    /**
     * Creates the ring file at {@code path}.
     *
     * @param width  fixed output width (--output-size), 0 = the source's
     * @param height fixed output height, 0 = the source's
     */
    public RingSink(Path path, int slots, String cameraId, PixelFormat format, int width, int height) throws IOException {
        this.path = path;
        this.slots = slots;
        this.cameraId = cameraId;
        this.format = format;
        this.fixedWidth = width;
        this.fixedHeight = height;
        // Placeholder 16x16 until the first frame tells the real geometry (unless it is fixed by --output-size).
        this.width = width > 0 ? width : 16;
        this.height = height > 0 ? height : 16;
        this.writer = FrameRingWriter.create(path, slots, FrameRingWriter.slotCapacityFor(this.width, this.height, format),
                cameraId);
    }

    /**
     * Changes the scaling of frames from the next one on (0, 0 = the source's size); a new size re-creates the
     * ring, like a geometry change of the source.
     */
    synchronized void outputSize(int width, int height) {
        fixedWidth = width;
        fixedHeight = height;
    }

    /** Makes {@code session} the only one allowed to publish. */
    synchronized void claim(Object session) {
        owner = session;
    }

    /**
     * Converts a decoded picture (scaled to the fixed output size, if any) with swscale straight into the next
     * slot, then publishes it. The lock is held throughout, so a session the supervisor gave up on can never
     * interleave with its successor, and {@link #close} waits for a conversion in progress (a few ms).
     *
     * @return false if {@code session} no longer owns the sink (it must stop) or the sink is closed
     */
    synchronized boolean publish(Object session, AVFrame picture, long streamMicros, long epochMicros, long monoNanos) {
        if (session != owner || closed) {
            return false;
        }
        int w = fixedWidth > 0 ? fixedWidth : picture.width();
        int h = fixedHeight > 0 ? fixedHeight : picture.height();
        if (w != width || h != height) {
            recreate(w, h);
        }
        FrameClaim claim = writer.claim(w, h, format);
        try {
            converter.convert(picture, claim);
        } catch (RuntimeException e) {
            writer.abort(claim);
            throw e;
        }
        writer.commit(claim, streamMicros, epochMicros, monoNanos);
        published++;
        return true;
    }

    /** The size frames are published at for a picture of the given size. */
    synchronized int outputWidth(int pictureWidth) {
        return fixedWidth > 0 ? fixedWidth : pictureWidth;
    }

    synchronized int outputHeight(int pictureHeight) {
        return fixedHeight > 0 ? fixedHeight : pictureHeight;
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

    /** The source state readers see now. */
    public synchronized SourceState state() {
        return state;
    }

    /** The state's detail (credentials already masked). */
    public synchronized String detail() {
        return detail;
    }

    /** Width and height of the frames in the ring now (a placeholder before the first frame). */
    public synchronized String geometry() {
        return width + "x" + height;
    }

    /** Frames published since this sink was created, across ring re-creations. */
    public synchronized long framesPublished() {
        return published;
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
            converter.close();
        }
    }
}
