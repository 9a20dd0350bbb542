package dev.edgelens.inference.engine;

import dev.edgelens.inference.TestSupport;
import dev.edgelens.ring.FrameRingWriter;
import dev.edgelens.ring.PixelFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** Publishes a still image into a real frame ring at a fixed rate from its own thread, like a camera. */
public final class RingPublisher implements AutoCloseable {

    public final FrameRingWriter writer;
    private final Thread thread;
    private volatile TestSupport.Bgr image;
    private volatile boolean running = true;
    volatile long published;

    public RingPublisher(Path ring, String cameraId, int maxWidth, int maxHeight, TestSupport.Bgr first, long periodMillis)
            throws IOException {
        this.writer = FrameRingWriter.create(ring, 4, FrameRingWriter.slotCapacityFor(maxWidth, maxHeight,
                PixelFormat.BGR24), cameraId);
        this.image = first;
        this.thread = new Thread(() -> {
            while (running) {
                TestSupport.Bgr img = image;
                long mono = System.nanoTime();
                writer.publish(ByteBuffer.wrap(img.pixels()), img.width() * 3, img.width(), img.height(),
                        PixelFormat.BGR24, published * 33_333, System.currentTimeMillis() * 1000, mono);
                published++;
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "test-camera-" + cameraId);
        thread.setDaemon(true);
        thread.start();
    }

    public void show(TestSupport.Bgr img) {
        image = img;
    }

    /** Stops publishing but leaves the ring open (its writer stays live). */
    void pause() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5000);
    }

    @Override
    public void close() throws InterruptedException {
        pause();
        writer.close();
    }
}
