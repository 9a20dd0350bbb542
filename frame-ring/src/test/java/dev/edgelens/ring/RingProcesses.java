package dev.edgelens.ring;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** Starts {@link RingWriterProcess} in a child JVM and waits for its frames. */
final class RingProcesses {
    private RingProcesses() {
    }

    static Process startWriter(Path path, int width, int height, PixelFormat format, String sourceId, int fps)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                RingWriterProcess.class.getName(), path.toString(), String.valueOf(width), String.valueOf(height),
                format.name(), sourceId, String.valueOf(fps))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(path + ".writer.log")))
                .start();
    }

    /** Waits until the ring at {@code path} holds at least {@code frames} frames of one writer epoch. */
    static void awaitFrames(Path path, long frames, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (FrameRingReader r = FrameRingReader.open(path, timeout)) {
            Frame f = new Frame();
            while (System.nanoTime() < deadline) {
                if (r.readLatest(f) && f.sequence() >= frames) {
                    return;
                }
                Thread.sleep(5);
            }
        }
        throw new AssertionError("no " + frames + " frames in " + path + " within " + timeout);
    }
}
