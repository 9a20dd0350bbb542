package dev.edgelens.tools.camerahealth;

import java.nio.file.Path;

/** Where the tests find the shared photos and the repository's models/ folder. */
final class TestPaths {
    private TestPaths() {
    }

    /** EDGELENS_MEDIA_DIR, else -Dedgelens.media.dir (set by the pom to ../shared/media). */
    static Path media() {
        return pick("EDGELENS_MEDIA_DIR", "edgelens.media.dir", "../../../shared/media");
    }

    /** -Dedgelens.models.dir (set by the pom to the repository's models/). */
    static Path models() {
        return pick(null, "edgelens.models.dir", "../../models");
    }

    private static Path pick(String env, String property, String fallback) {
        String value = env == null ? null : System.getenv(env);
        if (value == null || value.isBlank()) {
            value = System.getProperty(property, fallback);
        }
        return Path.of(value).toAbsolutePath().normalize();
    }
}
