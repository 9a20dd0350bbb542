package dev.edgelens.inference.engine;

import dev.edgelens.ring.FrameRingWriter;
import dev.edgelens.ring.PixelFormat;
import dev.edgelens.ring.SourceState;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/** A capture process stand-in for tests: publishes a grey 64x48 frame ten times a second until killed. */
public final class RingWriterMain {

    private RingWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        ByteBuffer grey = ByteBuffer.allocate(64 * 48 * 3);
        while (grey.hasRemaining()) {
            grey.put((byte) 128);
        }
        grey.flip();
        try (FrameRingWriter w = FrameRingWriter.create(Path.of(args[0]), 4,
                FrameRingWriter.slotCapacityFor(64, 48, PixelFormat.BGR24), "child")) {
            w.setSourceState(SourceState.STREAMING, "");
            System.out.println("publishing");
            System.out.flush();
            while (true) {
                w.publish(grey, 64 * 3, 64, 48, PixelFormat.BGR24, 0, System.currentTimeMillis() * 1000,
                        System.nanoTime());
                Thread.sleep(100);
            }
        }
    }
}
