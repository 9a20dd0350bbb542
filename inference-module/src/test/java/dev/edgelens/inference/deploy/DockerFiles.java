package dev.edgelens.inference.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's docker/ folder (container images, IoT Edge deployment, health check), found from
 * the module folder Maven runs tests in, or where -Dedgelens.docker says.
 */
final class DockerFiles {

    private DockerFiles() {
    }

    static Path dir() {
        String configured = System.getProperty("edgelens.docker");
        Path dir = configured != null && !configured.isBlank() ? Path.of(configured) : Path.of("..", "docker");
        if (!Files.isRegularFile(dir.resolve("deployment.template.json"))) {
            throw new IllegalStateException("docker folder not found at " + dir.toAbsolutePath().normalize()
                    + " (expected deployment.template.json there); run from inference-module or set -Dedgelens.docker");
        }
        return dir.toAbsolutePath().normalize();
    }

    static Path file(String name) {
        Path p = dir().resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("missing " + p);
        }
        return p;
    }
}
