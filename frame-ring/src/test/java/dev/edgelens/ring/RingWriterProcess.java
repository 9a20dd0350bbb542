package dev.edgelens.ring;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * A writer in its own JVM for the cross-process tests: publishes {@link TestPattern} frames at a given rate
 * until it is killed. SIGTERM closes the ring cleanly through a shutdown hook; SIGKILL leaves it open and stale.
 * Arguments: path width height format sourceId framesPerSecond.
 */
public final class RingWriterProcess {
    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[0]);
        int width = Integer.parseInt(args[1]);
        int height = Integer.parseInt(args[2]);
        PixelFormat format = PixelFormat.valueOf(args[3]);
        String sourceId = args[4];
        long periodNanos = 1_000_000_000L / Integer.parseInt(args[5]);

        int length = FrameRingWriter.slotCapacityFor(width, height, format);
        FrameRingWriter writer = FrameRingWriter.create(path, 8, length, sourceId);
        Runtime.getRuntime().addShutdownHook(new Thread(writer::close));
        writer.setSourceState(SourceState.STREAMING, "test pattern");
        ByteBuffer pixels = ByteBuffer.allocateDirect(length);
        for (long seq = 1; ; seq++) {
            TestPattern.fill(pixels, seq, length);
            try {
                writer.publish(pixels, width * format.bytesPerPixel(), width, height, format,
                        seq * 33_333, System.currentTimeMillis() * 1000, System.nanoTime());
            } catch (IllegalStateException closedByShutdown) {
                return;
            }
            LockSupport.parkNanos(periodNanos);
        }
    }
}
