package dev.edgelens.ring;

import java.nio.file.Path;

/** Where rings live by default: tmpfs, so frames never touch a disk. */
public final class RingPaths {
    /** Default directory for ring files. */
    public static final Path DEFAULT_DIRECTORY = Path.of("/dev/shm");

    private RingPaths() {
    }

    /** The default ring file of a camera: {@code /dev/shm/edgelens-<cameraId>.ring}. */
    public static Path defaultPath(String cameraId) {
        if (cameraId == null || !cameraId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("camera id '" + cameraId
                    + "': expected 1 to 64 characters from A-Z a-z 0-9 . _ -");
        }
        return DEFAULT_DIRECTORY.resolve("edgelens-" + cameraId + ".ring");
    }
}
