package dev.edgelens.capture;

import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Routes FFmpeg's own log messages (which go to stderr by default, unfiltered) to SLF4J logger "ffmpeg",
 * with the source's credentials scrubbed: FFmpeg may print URLs.
 */
final class FfmpegLog extends LogCallback {
    /** Option value -> FFmpeg log level. */
    static final Map<String, Integer> LEVELS = Map.of(
            "quiet", avutil.AV_LOG_QUIET,
            "error", avutil.AV_LOG_ERROR,
            "warning", avutil.AV_LOG_WARNING,
            "info", avutil.AV_LOG_INFO);

    private static final Logger LOG = LoggerFactory.getLogger("ffmpeg");
    private static FfmpegLog installed; // strong reference: FFmpeg holds only the native function pointer

    private final SourceSpec source;

    private FfmpegLog(SourceSpec source) {
        this.source = source;
    }

    /** Installs the bridge for this process (FFmpeg's log callback is global). */
    static synchronized void install(SourceSpec source, String level) {
        installed = new FfmpegLog(source);
        avutil.setLogCallback(installed);
        avutil.av_log_set_level(LEVELS.get(level));
    }

    @Override
    public void call(int level, BytePointer msg) {
        String text = msg.getString().strip();
        if (text.isEmpty()) {
            return;
        }
        text = source.scrub(text);
        if (level <= avutil.AV_LOG_ERROR) {
            LOG.error(text);
        } else if (level <= avutil.AV_LOG_WARNING) {
            LOG.warn(text);
        } else if (level <= avutil.AV_LOG_INFO) {
            LOG.info(text);
        } else {
            LOG.debug(text);
        }
    }
}
