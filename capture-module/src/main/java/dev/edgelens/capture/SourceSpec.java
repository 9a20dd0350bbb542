package dev.edgelens.capture;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A video source as given by the user, and how FFmpeg opens it. Its {@link #toString()} is masked: the raw
 * text, which may hold credentials, is only handed to FFmpeg.
 *
 * <ul>
 *   <li>{@code rtsp://[user:pass@]host[:port]/path} (also {@code rtsps://}): a network camera</li>
 *   <li>{@code lavfi:GRAPH}, e.g. {@code lavfi:testsrc2=size=640x360:rate=30}: an FFmpeg test pattern</li>
 *   <li>{@code /dev/videoN} or {@code v4l2:/dev/videoN}: a V4L2 capture device</li>
 *   <li>anything else, or {@code file:PATH}: a video file</li>
 * </ul>
 */
public final class SourceSpec {
    /** The kinds of source, which decide the FFmpeg demuxer and options. */
    public enum Kind { RTSP, FILE, TEST_PATTERN, V4L2 }

    private final String raw;
    private final Kind kind;
    private final String input;
    private final String format;
    private final List<String> secrets;

    private SourceSpec(String raw, Kind kind, String input, String format, List<String> secrets) {
        this.raw = raw;
        this.kind = kind;
        this.input = input;
        this.format = format;
        this.secrets = secrets;
    }

    /**
     * Parses a source.
     *
     * @throws IllegalArgumentException saying which forms are accepted (without echoing credentials)
     */
    public static SourceSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("is required: rtsp://host/path, a video file, lavfi:GRAPH or /dev/videoN");
        }
        String s = text.strip();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith("rtsp://") || lower.startsWith("rtsps://")) {
            int hostStart = s.indexOf("://") + 3;
            int pathStart = s.indexOf('/', hostStart);
            String authority = pathStart < 0 ? s.substring(hostStart) : s.substring(hostStart, pathStart);
            String host = authority.substring(authority.lastIndexOf('@') + 1);
            if (host.isEmpty() || host.startsWith(":")) {
                throw new IllegalArgumentException("'" + Masking.mask(s) + "' has no host; expected rtsp://host[:port]/path");
            }
            return new SourceSpec(s, Kind.RTSP, s, null, secretsOf(authority));
        }
        if (lower.startsWith("lavfi:")) {
            String graph = s.substring("lavfi:".length());
            if (graph.isBlank()) {
                throw new IllegalArgumentException("'" + s + "' has no filter graph; expected e.g. lavfi:testsrc2=size=640x360:rate=30");
            }
            return new SourceSpec(s, Kind.TEST_PATTERN, graph, "lavfi", List.of());
        }
        if (lower.startsWith("v4l2:")) {
            String device = s.substring("v4l2:".length());
            if (device.isBlank()) {
                throw new IllegalArgumentException("'" + s + "' has no device; expected e.g. v4l2:/dev/video0");
            }
            return new SourceSpec(s, Kind.V4L2, device, "video4linux2", List.of());
        }
        if (s.startsWith("/dev/video")) {
            return new SourceSpec(s, Kind.V4L2, s, "video4linux2", List.of());
        }
        if (lower.startsWith("file:")) {
            return new SourceSpec(s, Kind.FILE, s.substring("file:".length()), null, List.of());
        }
        int scheme = s.indexOf("://");
        if (scheme > 0) {
            throw new IllegalArgumentException("'" + Masking.mask(s) + "': unsupported scheme '" + s.substring(0, scheme)
                    + "'; expected rtsp://, rtsps://, file:, lavfi:, v4l2: or a file path");
        }
        return new SourceSpec(s, Kind.FILE, s, null, List.of());
    }

    /** user and password, raw and URL-decoded, so that FFmpeg log lines can be scrubbed of them too. */
    private static List<String> secretsOf(String authority) {
        int at = authority.lastIndexOf('@');
        if (at < 0) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String part : authority.substring(0, at).split(":", 2)) {
            if (part.length() >= 3) { // shorter ones would mask random text and protect nothing
                out.add(part);
                String decoded = URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
                if (!decoded.equals(part)) {
                    out.add(decoded);
                }
            }
        }
        return List.copyOf(out);
    }

    /** Masks credentials of this source in any text (URL user info, and the user/password strings themselves). */
    public String scrub(String text) {
        if (text == null) {
            return null;
        }
        String out = Masking.mask(text);
        for (String secret : secrets) {
            out = out.replace(secret, "***");
        }
        return out;
    }

    public Kind kind() {
        return kind;
    }

    /** What FFmpeg opens (may hold credentials: never log it). */
    public String ffmpegInput() {
        return input;
    }

    /** FFmpeg input format to force, or null to let FFmpeg probe. */
    public String ffmpegFormat() {
        return format;
    }

    /** Whether the source is a live stream over the network (timeouts apply). */
    public boolean isNetwork() {
        return kind == Kind.RTSP;
    }

    /** Whether the source produces frames as fast as it is read (files, test patterns): then pacing applies. */
    public boolean isUnpaced() {
        return kind == Kind.FILE || kind == Kind.TEST_PATTERN;
    }

    /** The source as given, unmasked; only for turning settings back into options. */
    String raw() {
        return raw;
    }

    /** The source with credentials masked. */
    @Override
    public String toString() {
        return Masking.mask(raw);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SourceSpec other && raw.equals(other.raw);
    }

    @Override
    public int hashCode() {
        return raw.hashCode();
    }
}
