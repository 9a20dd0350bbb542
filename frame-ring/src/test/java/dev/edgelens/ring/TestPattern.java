package dev.edgelens.ring;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * Frame payloads that prove their own integrity: bytes 0..7 hold the frame's sequence, the body is a
 * pseudo-random function of the sequence, and the last 8 bytes are the CRC-32 of everything before. A torn
 * frame (parts of two frames) or a frame paired with the wrong metadata fails {@link #verify}.
 */
final class TestPattern {
    private TestPattern() {
    }

    /** Fills {@code length} bytes of {@code dst} from its position for frame {@code sequence}. */
    static void fill(ByteBuffer dst, long sequence, int length) {
        int base = dst.position();
        dst.putLong(base, sequence);
        long x = sequence * 0x9E3779B97F4A7C15L + 1;
        int body = length - 8;
        int i = 8;
        for (; i + 8 <= body; i += 8) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            dst.putLong(base + i, x);
        }
        for (; i < body; i++) {
            dst.put(base + i, (byte) (x >>> (i & 7)));
        }
        CRC32 crc = new CRC32();
        ByteBuffer covered = dst.duplicate();
        covered.position(base).limit(base + body);
        crc.update(covered);
        dst.putLong(base + body, crc.getValue());
    }

    /** True if {@code bytes[0..length)} is the intact payload of frame {@code sequence}. */
    static boolean verify(byte[] bytes, int length, long sequence) {
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, length);
        if (b.getLong(0) != sequence) {
            return false;
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length - 8);
        return b.getLong(length - 8) == crc.getValue();
    }
}
