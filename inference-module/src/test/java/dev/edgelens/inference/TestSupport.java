package dev.edgelens.inference;

import dev.edgelens.inference.event.Event;
import dev.edgelens.inference.event.EventSink;
import dev.edgelens.inference.event.Message;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Test fixtures: the shared pretrained models and photos (never copied into the repository; found
 * at ../shared relative to the project root, or where EDGELENS_SHARED / -Dedgelens.shared says),
 * photo decoding to BGR24, and an in-memory event sink.
 */
public final class TestSupport {

    private TestSupport() {
    }

    /** The shared fixtures folder (with models/ and media/), or a clear failure. */
    public static Path shared() {
        String configured = System.getProperty("edgelens.shared", System.getenv("EDGELENS_SHARED"));
        List<Path> tried = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            tried.add(Path.of(configured));
        }
        // Maven runs module tests in the module folder; the project root is its parent.
        tried.add(Path.of("..", "..", "shared"));
        tried.add(Path.of("..", "shared"));
        for (Path p : tried) {
            if (Files.isDirectory(p.resolve("models")) && Files.isDirectory(p.resolve("media"))) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("test fixtures missing: no shared/models and shared/media folder at "
                + tried.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList()
                + "; set -Dedgelens.shared=/path/to/shared or EDGELENS_SHARED");
    }

    public static Path sharedModel(String file) {
        Path p = shared().resolve("models").resolve(file);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("test fixture missing: " + p);
        }
        return p;
    }

    public static Path media(String file) {
        Path p = shared().resolve("media").resolve(file);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("test fixture missing: " + p);
        }
        return p;
    }

    /** A decoded image as packed BGR24 bytes. */
    public record Bgr(int width, int height, byte[] pixels) {
        /** A sub-rectangle. */
        public Bgr crop(int x, int y, int w, int h) {
            byte[] out = new byte[w * h * 3];
            for (int r = 0; r < h; r++) {
                System.arraycopy(pixels, ((y + r) * width + x) * 3, out, r * w * 3, w * 3);
            }
            return new Bgr(w, h, out);
        }

        /** Turned upside down (180 degrees). */
        public Bgr rotate180() {
            byte[] out = new byte[pixels.length];
            int n = width * height;
            for (int i = 0; i < n; i++) {
                System.arraycopy(pixels, i * 3, out, (n - 1 - i) * 3, 3);
            }
            return new Bgr(width, height, out);
        }
    }

    public static Bgr bgr(String mediaFile) throws IOException {
        BufferedImage img = ImageIO.read(media(mediaFile).toFile());
        if (img == null) {
            throw new IOException("ImageIO cannot decode " + mediaFile);
        }
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                int i = (y * w + x) * 3;
                out[i] = (byte) rgb;
                out[i + 1] = (byte) (rgb >> 8);
                out[i + 2] = (byte) (rgb >> 16);
            }
        }
        return new Bgr(w, h, out);
    }

    /**
     * Installs a shared model into {@code dir} under {@code name}: the .onnx, plus labels from
     * {@code labelsFile} (null = none) and a sidecar with {@code sidecarJson} (null = none).
     */
    public static void installModel(Path dir, String sharedOnnx, String name, String labelsFile, String sidecarJson)
            throws IOException {
        if (labelsFile != null) {
            Files.copy(sharedModel(labelsFile), dir.resolve(name + ".labels.txt"), StandardCopyOption.REPLACE_EXISTING);
        }
        if (sidecarJson != null) {
            Files.writeString(dir.resolve(name + ".json"), sidecarJson);
        }
        // Written under a hidden name, then renamed: the watcher never sees a partial .onnx.
        Path tmp = dir.resolve("." + name + ".onnx.tmp");
        Files.copy(sharedModel(sharedOnnx), tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, dir.resolve(name + ".onnx"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    public static final String MOBILENET_SIDECAR = """
            {"colorOrder": "RGB", "resize": "crop", "resizeShort": 256, "scale": 0.00392156862745098,
             "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "softmax": true}
            """;

    public static final String PPOCR_SIDECAR = """
            {"width": 192, "height": 48, "resize": "stretch", "colorOrder": "BGR",
             "scale": 0.00392156862745098, "mean": [0.5], "std": [0.5], "softmax": false}
            """;

    /** An event sink that keeps everything it receives (a real sink, in memory). */
    public static final class CollectingSink implements EventSink {
        private final List<Message> messages = new ArrayList<>();

        @Override
        public synchronized void publish(Message message) {
            messages.add(message);
            notifyAll();
        }

        @Override
        public String name() {
            return "memory";
        }

        @Override
        public void close() {
        }

        public synchronized List<Message> messages() {
            return List.copyOf(messages);
        }

        public synchronized List<Event> events() {
            List<Event> out = new ArrayList<>();
            for (Message m : messages) {
                out.addAll(m.events());
            }
            return out;
        }

        /** Waits until an event matching {@code p} arrived; returns it, or fails after the timeout. */
        public synchronized Event await(Predicate<Event> p, long timeoutMillis, String what)
                throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMillis;
            while (true) {
                for (Message m : messages) {
                    for (Event e : m.events()) {
                        if (p.test(e)) {
                            return e;
                        }
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for " + what
                            + "; events so far: " + events());
                }
                wait(left);
            }
        }
    }
}
