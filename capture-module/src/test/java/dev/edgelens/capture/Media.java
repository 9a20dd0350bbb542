package dev.edgelens.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shared test photos: ../shared/media, or the folder named by -Dedgelens.media / EDGELENS_TEST_MEDIA. */
final class Media {
    private Media() {
    }

    static Path path(String name) throws IOException {
        String dir = System.getProperty("edgelens.media", System.getenv().getOrDefault("EDGELENS_TEST_MEDIA",
                "../shared/media"));
        Path p = Path.of(dir).resolve(name);
        if (!Files.isRegularFile(p)) {
            // From capture-module/ the project's shared folder is two levels up.
            Path alt = Path.of("..", dir).resolve(name);
            if (Files.isRegularFile(alt)) {
                return alt;
            }
            throw new IOException("test photo " + p.toAbsolutePath().normalize() + " is missing (set -Dedgelens.media"
                    + " or EDGELENS_TEST_MEDIA to the folder with the shared test photos)");
        }
        return p;
    }
}
