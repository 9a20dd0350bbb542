package dev.edgelens.tools.camerahealth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes models/camera-health.onnx and its labels (and sidecar) into the folder given as the only
 * argument. Run: {@code mvn -q -pl tools/camera-health compile exec:java}.
 */
public final class GenerateCameraHealthModel {
    private GenerateCameraHealthModel() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: GenerateCameraHealthModel <models-folder>");
            System.exit(2);
        }
        Path dir = Path.of(args[0]).toAbsolutePath().normalize();
        Files.createDirectories(dir);
        for (CameraHealthFiles.File f : CameraHealthFiles.all()) {
            Path target = dir.resolve(f.name());
            // Write beside, then move: the inference module watches models/ and must never see half a file.
            Path tmp = dir.resolve("." + f.name() + ".tmp");
            Files.write(tmp, f.bytes());
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            System.out.println("wrote " + target + " (" + f.bytes().length + " bytes)");
        }
    }
}
