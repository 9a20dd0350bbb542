package dev.edgelens.bench.inference;

import javax.imageio.ImageIO;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Benchmark inputs: the shared fixtures (models, photos) and a 1080p BGR frame made from a photo. */
final class Frames {

    static final int WIDTH = 1920;
    static final int HEIGHT = 1080;

    private Frames() {
    }

    /**
     * The shared fixtures folder: -Dedgelens.shared, EDGELENS_SHARED, or ../shared from the project
     * root (where the benchmarks are run from).
     */
    static Path shared() {
        String configured = System.getProperty("edgelens.shared", System.getenv("EDGELENS_SHARED"));
        for (Path p : configured != null ? List.of(Path.of(configured)) : List.of(Path.of("..", "shared"),
                Path.of("..", "..", "shared"))) {
            if (Files.isDirectory(p.resolve("models"))) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("benchmark fixtures missing: no ../shared/models; run from the project root"
                + " or set -Dedgelens.shared=/path/to/shared");
    }

    /** chelsea.png stretched to 1920x1080, as packed BGR24 in off-heap memory (like a ring slot). */
    static ByteBuffer catFrame1080p() throws IOException {
        BufferedImage photo = ImageIO.read(shared().resolve("media/chelsea.png").toFile());
        BufferedImage big = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        var g = big.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(photo, 0, 0, WIDTH, HEIGHT, null);
        g.dispose();
        byte[] bgr = ((java.awt.image.DataBufferByte) big.getRaster().getDataBuffer()).getData();
        ByteBuffer direct = ByteBuffer.allocateDirect(bgr.length);
        direct.put(bgr).flip();
        return direct;
    }
}
