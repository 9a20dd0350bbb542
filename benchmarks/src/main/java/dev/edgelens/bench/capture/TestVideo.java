package dev.edgelens.bench.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.bytedeco.javacpp.Loader;

/** H.264 videos for the capture benchmarks, made at setup time, and the FFmpeg programs that make and decode them. */
final class TestVideo {
    private TestVideo() {
    }

    /** The ffmpeg program shipped in the JavaCV FFmpeg preset: the same FFmpeg build the capture path uses. */
    static String presetFfmpeg() {
        return Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
    }

    /**
     * An H.264 MP4 of FFmpeg's moving test pattern: Debian's ffmpeg with libx264 (High profile, like cameras) if
     * installed, otherwise the preset's ffmpeg with libopenh264. A keyframe every 30 frames, no B-frames.
     */
    static Path make(Path dir, int width, int height, int frames, int fps) throws IOException, InterruptedException {
        Path out = dir.resolve("bench-" + width + "x" + height + "-" + frames + ".mp4");
        if (Files.exists(out)) {
            return out;
        }
        boolean x264 = Files.isExecutable(Path.of("/usr/bin/ffmpeg"));
        List<String> cmd = new ArrayList<>(List.of(x264 ? "/usr/bin/ffmpeg" : presetFfmpeg(), "-hide_banner",
                "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i",
                "testsrc2=size=" + width + "x" + height + ":rate=" + fps, "-frames:v", Integer.toString(frames)));
        if (x264) {
            cmd.addAll(List.of("-c:v", "libx264", "-preset", "veryfast", "-crf", "23"));
        } else {
            cmd.addAll(List.of("-c:v", "libopenh264", "-b:v", (width * height * 4) + ""));
        }
        cmd.addAll(List.of("-g", "30", "-bf", "0", "-pix_fmt", "yuv420p", out.toString()));
        run(cmd, 600);
        return out;
    }

    /** Runs a program; its combined output, or an IOException with it if it fails. */
    static String run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("failed: " + String.join(" ", cmd) + "\n" + out);
        }
        return out;
    }
}
