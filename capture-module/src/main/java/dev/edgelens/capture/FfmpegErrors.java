package dev.edgelens.capture;

import org.bytedeco.ffmpeg.global.avutil;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns JavaCV/FFmpeg exceptions into a short cause such as "cannot open source: Connection refused". JavaCV's
 * own messages quote the input URL (with credentials) and advice about setFormat(); they are never logged as is.
 */
final class FfmpegErrors {
    private static final Pattern CALL_AND_CODE = Pattern.compile("(\\w+)\\(\\) error (-?\\d+)");

    private FfmpegErrors() {
    }

    /** A one-line cause for a failure of {@code FFmpegFrameGrabber.start()/grab()}. */
    static String describe(Throwable e, SourceSpec source) {
        String message = String.valueOf(e.getMessage());
        Matcher m = CALL_AND_CODE.matcher(message);
        if (m.find()) {
            String call = m.group(1);
            int code = Integer.parseInt(m.group(2));
            String what = switch (call) {
                case "avformat_open_input" -> "cannot open source";
                case "avformat_find_stream_info" -> "cannot read stream information";
                case "avcodec_open2" -> "cannot open decoder";
                case "av_read_frame" -> "read failed";
                case "avcodec_send_packet", "avcodec_receive_frame" -> "decoding failed";
                default -> call + " failed";
            };
            return what + ": " + errorText(code);
        }
        return source.scrub(message);
    }

    /** Whether the failure was opening the decoder (a configured hardware decoder may be the reason). */
    static boolean isDecoderOpenFailure(Throwable e) {
        return String.valueOf(e.getMessage()).contains("avcodec_open2()");
    }

    /** FFmpeg's text for an AVERROR code, e.g. -111 -> "Connection refused". */
    static String errorText(int code) {
        byte[] buf = new byte[256];
        if (avutil.av_strerror(code, buf, buf.length) < 0) {
            return "error " + code;
        }
        int len = 0;
        while (len < buf.length && buf[len] != 0) {
            len++;
        }
        return new String(buf, 0, len, java.nio.charset.StandardCharsets.UTF_8) + " (" + code + ")";
    }
}
