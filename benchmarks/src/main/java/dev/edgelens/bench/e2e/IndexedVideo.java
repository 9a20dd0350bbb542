package dev.edgelens.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.agrona.DirectBuffer;

/**
 * The live stream's content: FFmpeg's moving 1080p30 test pattern in which every odd frame is darkened, with the
 * frame's index in the file written into it as a row of {@value #BITS} black/white 64x64 blocks (bit i at
 * x = 64 i, top edge). The blocks let a ring reader tell which source frame each published frame was, so frames
 * lost between the RTSP server and the ring are counted exactly. The alternation makes the camera-health model
 * answer "dark" and "ok" by turns, so with hysteresis 1 and no minimum interval every classified frame yields a
 * classification event (and so a latency figure).
 */
final class IndexedVideo {
    static final int WIDTH = 1920;
    static final int HEIGHT = 1080;
    /** Frames in the file (10 s at 30 fps); the server loops it. */
    static final int FRAMES = 300;
    static final int BITS = 10;
    private static final int BLOCK = 64;

    private IndexedVideo() {
    }

    /** Writes the H.264 Annex-B file (Debian's ffmpeg, libx264, a keyframe every 30 frames, no B-frames). */
    static Path make(Path dir) throws IOException, InterruptedException {
        Path ffmpeg = Path.of("/usr/bin/ffmpeg");
        if (!Files.isExecutable(ffmpeg)) {
            throw new IOException("/usr/bin/ffmpeg is missing: install the Debian package ffmpeg (scripts/test.sh does)");
        }
        Path out = dir.resolve("indexed-1080p30.h264");
        String bits = "color=c=black:s=" + (BITS * BLOCK) + "x" + BLOCK + ":r=30,format=gray,"
                + "geq=lum='255*mod(floor(N/pow(2,floor(X/" + BLOCK + "))),2)'";
        String graph = "[0:v]colorchannelmixer=rr=0.08:gg=0.08:bb=0.08:enable='mod(n,2)'[bg];[1:v]format=yuv420p[ix];"
                + "[bg][ix]overlay=0:0:shortest=1,format=yuv420p";
        List<String> cmd = List.of(ffmpeg.toString(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=" + WIDTH + "x" + HEIGHT + ":rate=30",
                "-f", "lavfi", "-i", bits, "-filter_complex", graph, "-frames:v", Integer.toString(FRAMES),
                "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", "30", "-bf", "0",
                "-f", "h264", out.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("ffmpeg failed: " + String.join(" ", cmd) + "\n" + log);
        }
        return out;
    }

    /** The source frame index written into a BGR24 frame of this video, read at the blocks' centres. */
    static int index(DirectBuffer pixels, int width) {
        int index = 0;
        int row = (BLOCK / 2) * width * 3;
        for (int b = 0; b < BITS; b++) {
            int green = pixels.getByte(row + (b * BLOCK + BLOCK / 2) * 3 + 1) & 0xFF;
            if (green >= 128) {
                index |= 1 << b;
            }
        }
        return index;
    }
}
