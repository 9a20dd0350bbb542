package dev.edgelens.bench.shm;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import dev.edgelens.ring.FrameRingWriter;
import dev.edgelens.ring.PixelFormat;
import dev.edgelens.ring.RingLayout;
import dev.edgelens.ring.SourceState;

/**
 * Child process of {@link ShmComparison}: publishes BGR frames into a ring as fast as it can, copying each one
 * from a prepared off-heap source frame, as the capture module copies a decoded frame. Prints
 * {@code published <n>} every {@value ChildProtocol#REPORT_INTERVAL_MS} ms and exits when its standard input
 * closes (the harness ended it or died).
 *
 * <p>Usage: {@code RingWriterProcess <ring path> <width> <height> <slots>}
 */
public final class RingWriterProcess {
    private RingWriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: RingWriterProcess <ring path> <width> <height> <slots>");
            System.exit(2);
        }
        Path path = Path.of(args[0]);
        int width = Integer.parseInt(args[1]);
        int height = Integer.parseInt(args[2]);
        int slots = Integer.parseInt(args[3]);
        int length = FrameRingWriter.slotCapacityFor(width, height, PixelFormat.BGR24);
        ByteBuffer source = ByteBuffer.allocateDirect(length);
        for (int i = 0; i < length; i++) {
            source.put(i, (byte) (i * 7 + i / (width * 3)));
        }
        ChildProtocol.StopSignal stop = ChildProtocol.stopWhenStdinCloses();
        try (FrameRingWriter writer = FrameRingWriter.create(path, slots, length, "shm-bench")) {
            writer.setSourceState(SourceState.STREAMING, "");
            long reportEvery = ChildProtocol.REPORT_INTERVAL_MS * 1_000_000L;
            long nextReport = System.nanoTime();
            long published = 0;
            while (!stop.requested()) {
                long now = System.nanoTime();
                writer.publish(source, width * 3, width, height, PixelFormat.BGR24, RingLayout.NO_TIMESTAMP,
                        System.currentTimeMillis() * 1000, now);
                published++;
                if (now - nextReport >= 0) {
                    System.out.println(ChildProtocol.publishedLine(published));
                    nextReport = now + reportEvery;
                }
            }
        }
    }
}
