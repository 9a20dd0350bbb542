package dev.edgelens.capture;

import dev.edgelens.ring.PixelFormat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All settings of one capture process, validated and immutable. Built from command-line options and
 * {@code EDGELENS_*} environment variables by {@link CaptureOptions}, or from a key/value map with the same
 * option names ({@link #fromMap}, {@link #withChanges}), e.g. a module twin's desired-property patch, so a
 * patch is applied or rejected as a whole with the same messages. {@link #toString()} masks credentials.
 *
 * @param cameraId              camera name, stored with every frame; also names the default ring file
 * @param source                what to capture
 * @param ringPath              the frame ring file
 * @param ringSlots             frames the ring holds
 * @param pixelFormat           pixel format of published frames
 * @param outputWidth           width FFmpeg scales to, 0 = the source's
 * @param outputHeight          height FFmpeg scales to, 0 = the source's
 * @param rtspTransport         "tcp" or "udp"
 * @param decoder               FFmpeg decoder name to prefer (e.g. h264_cuvid); empty = FFmpeg's default
 * @param decoderThreads        decoder threads, 0 = FFmpeg's choice
 * @param maxFps                publish at most this many frames per second, 0 = every frame
 * @param pace                  publish file and test-pattern frames at their own frame rate (like a camera)
 * @param loop                  restart a file source at its end
 * @param ioTimeout             limit on every network read/connect
 * @param stallTimeout          reconnect when no frame arrived for this long
 * @param reconnectInitialDelay first reconnect delay
 * @param reconnectMaxDelay     reconnect delays grow exponentially up to this
 * @param reconnectJitter       each delay is randomly shortened by up to this fraction (0..1)
 * @param maxReconnects         give up after this many failed attempts in a row, -1 = never
 * @param ffmpegLogLevel        FFmpeg messages at or above this level go to the log: quiet, error, warning, info
 */
public record CaptureSettings(String cameraId, SourceSpec source, Path ringPath, int ringSlots,
                              PixelFormat pixelFormat, int outputWidth, int outputHeight, String rtspTransport,
                              String decoder, int decoderThreads, double maxFps, boolean pace, boolean loop,
                              Duration ioTimeout, Duration stallTimeout, Duration reconnectInitialDelay,
                              Duration reconnectMaxDelay, double reconnectJitter, int maxReconnects,
                              String ffmpegLogLevel) {

    /** Parses command-line style arguments; throws {@link SettingsException} naming the bad option. */
    public static CaptureSettings parse(String... args) throws SettingsException {
        return CaptureOptions.parse(args);
    }

    /**
     * Settings from option names (with or without the leading dashes) to values, on top of the defaults and
     * environment variables; unknown names and invalid values reject the whole map.
     */
    public static CaptureSettings fromMap(Map<String, String> values) throws SettingsException {
        List<String> args = new ArrayList<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String key = e.getKey().startsWith("--") ? e.getKey() : "--" + e.getKey();
            args.add(key + "=" + e.getValue());
        }
        return parse(args.toArray(String[]::new));
    }

    /**
     * These settings with some options changed (same names as the command line); all or nothing. A null value
     * puts the option back to its default (or its environment variable).
     */
    public CaptureSettings withChanges(Map<String, String> changes) throws SettingsException {
        Map<String, String> all = new LinkedHashMap<>(toMap());
        for (Map.Entry<String, String> e : changes.entrySet()) {
            String key = e.getKey().startsWith("--") ? e.getKey().substring(2) : e.getKey();
            if (e.getValue() == null) {
                all.remove(key);
            } else {
                all.put(key, e.getValue());
            }
        }
        return fromMap(all);
    }

    /** Every option as name -> value (unmasked: the source may hold credentials; do not log it). */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("camera-id", cameraId);
        m.put("source", source.raw());
        m.put("ring", ringPath.toString());
        m.put("ring-slots", Integer.toString(ringSlots));
        m.put("pixel-format", pixelFormat.name());
        m.put("output-size", outputWidth == 0 ? "" : outputWidth + "x" + outputHeight);
        m.put("rtsp-transport", rtspTransport);
        m.put("decoder", decoder);
        m.put("decoder-threads", Integer.toString(decoderThreads));
        m.put("max-fps", Double.toString(maxFps));
        m.put("pace", Boolean.toString(pace));
        m.put("loop", Boolean.toString(loop));
        m.put("io-timeout", ioTimeout.toMillis() + "ms");
        m.put("stall-timeout", stallTimeout.toMillis() + "ms");
        m.put("reconnect-initial-delay", reconnectInitialDelay.toMillis() + "ms");
        m.put("reconnect-max-delay", reconnectMaxDelay.toMillis() + "ms");
        m.put("reconnect-jitter", Double.toString(reconnectJitter));
        m.put("max-reconnects", Integer.toString(maxReconnects));
        m.put("ffmpeg-log-level", ffmpegLogLevel);
        return m;
    }

    /** A setting that failed validation: the message names the option and what is allowed. */
    public static final class SettingsException extends Exception {
        public SettingsException(String message) {
            super(message);
        }
    }
}
