package dev.edgelens.ring;

/** Pixel formats a ring can carry, with the code stored in each slot. Rows are always packed. */
public enum PixelFormat {
    /** 3 bytes per pixel, blue, green, red: FFmpeg's bgr24 and OpenCV's default. */
    BGR24(1, 3),
    /** 3 bytes per pixel, red, green, blue: FFmpeg's rgb24. */
    RGB24(2, 3),
    /** 1 byte per pixel, luma: FFmpeg's gray. */
    GRAY8(3, 1);

    private final int code;
    private final int bytesPerPixel;

    PixelFormat(int code, int bytesPerPixel) {
        this.code = code;
        this.bytesPerPixel = bytesPerPixel;
    }

    /** The value stored in the ring file. */
    public int code() {
        return code;
    }

    public int bytesPerPixel() {
        return bytesPerPixel;
    }

    /** The format for a stored code, or null for a code this version does not know (a torn or newer slot). */
    public static PixelFormat fromCode(int code) {
        return switch (code) {
            case 1 -> BGR24;
            case 2 -> RGB24;
            case 3 -> GRAY8;
            default -> null;
        };
    }
}
