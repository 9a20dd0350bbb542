package dev.edgelens.ring;

import java.io.IOException;
import java.nio.file.Path;

/** A file that is not a usable frame ring: wrong magic, unsupported version, truncated, bad geometry. */
public final class RingFormatException extends IOException {
    public RingFormatException(Path path, String problem) {
        super("frame ring " + path + ": " + problem);
    }
}
