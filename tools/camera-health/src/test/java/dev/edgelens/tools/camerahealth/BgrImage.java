package dev.edgelens.tools.camerahealth;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/** A packed BGR24 frame (stride = 3 * width), as the capture module publishes into the ring. */
record BgrImage(int width, int height, byte[] pixels) {

    static BgrImage read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("test photo missing: " + file
                    + " (set -Dedgelens.media.dir or EDGELENS_MEDIA_DIR to the folder with the shared photos)");
        }
        BufferedImage src = ImageIO.read(file.toFile());
        if (src == null) {
            throw new IOException("not a readable image: " + file);
        }
        BufferedImage bgr = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        bgr.getGraphics().drawImage(src, 0, 0, null);
        byte[] data = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
        return new BgrImage(src.getWidth(), src.getHeight(), data.clone());
    }

    int at(int i) {
        return pixels[i] & 0xFF;
    }

    /** Every sample times {@code gain}, clipped to 0..255 (gain &lt; 1 darkens, &gt; 1 overexposes). */
    BgrImage exposure(double gain) {
        byte[] out = new byte[pixels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Math.min(255, (int) Math.round(at(i) * gain));
        }
        return new BgrImage(width, height, out);
    }

    /**
     * Approximately Gaussian blur: three passes of a (2r+1) box filter, horizontally and vertically
     * (sigma = sqrt(r(r+1))), edges clamped.
     */
    BgrImage blurred(int radius) {
        byte[] a = pixels.clone();
        byte[] b = new byte[a.length];
        for (int pass = 0; pass < 3; pass++) {
            boxPass(a, b, radius, true);
            boxPass(b, a, radius, false);
        }
        return new BgrImage(width, height, a);
    }

    private void boxPass(byte[] src, byte[] dst, int r, boolean horizontal) {
        int n = 2 * r + 1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int ch = 0; ch < 3; ch++) {
                    int sum = 0;
                    for (int k = -r; k <= r; k++) {
                        int xx = horizontal ? Math.min(width - 1, Math.max(0, x + k)) : x;
                        int yy = horizontal ? y : Math.min(height - 1, Math.max(0, y + k));
                        sum += src[(yy * width + xx) * 3 + ch] & 0xFF;
                    }
                    dst[(y * width + x) * 3 + ch] = (byte) ((sum + n / 2) / n);
                }
            }
        }
    }

    /** The frame's mean colour everywhere plus Gaussian noise: a lens covered by a hand or a cap. */
    BgrImage flat(double noiseSigma, long seed) {
        double[] mean = new double[3];
        for (int i = 0; i < pixels.length; i++) {
            mean[i % 3] += at(i);
        }
        int count = width * height;
        Random random = new Random(seed);
        byte[] out = new byte[pixels.length];
        for (int i = 0; i < out.length; i++) {
            long v = Math.round(mean[i % 3] / count + random.nextGaussian() * noiseSigma);
            out[i] = (byte) Math.max(0, Math.min(255, v));
        }
        return new BgrImage(width, height, out);
    }
}
