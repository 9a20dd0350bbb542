package dev.edgelens.capture;

import dev.edgelens.edge.iothub.HubOptions;
import dev.edgelens.edge.options.BooleanConverter;
import dev.edgelens.edge.options.DurationConverter;
import dev.edgelens.ring.PixelFormat;
import dev.edgelens.ring.RingPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The option schema of the capture module (picocli): every option has a long name, an {@code EDGELENS_*}
 * environment variable fallback and a default shown by {@code --help}. Documented in docs/configuration.md.
 */
@Command(name = "edgelens-capture", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Decodes one camera (RTSP, file, test pattern or V4L2 device) with FFmpeg into a shared-memory"
                + " frame ring; reconnects by itself, never hangs on a stalled source.",
        footer = "Every option can also be set with the environment variable shown; the command line wins.")
final class CaptureOptions {

    @Option(names = "--camera-id", defaultValue = "${env:EDGELENS_CAMERA_ID:-camera0}",
            description = "Camera name (1-64 of A-Z a-z 0-9 . _ -), stored with every frame and naming the default"
                    + " ring file. Env EDGELENS_CAMERA_ID. Default: ${DEFAULT-VALUE}.")
    String cameraId;

    @Option(names = "--source", defaultValue = "${env:EDGELENS_SOURCE}",
            description = "rtsp://[user:pass@]host[:port]/path, a video file (or file:PATH), lavfi:GRAPH"
                    + " (e.g. lavfi:testsrc2=size=640x360:rate=30) or /dev/videoN (or v4l2:/dev/videoN)."
                    + " Env EDGELENS_SOURCE. Required.")
    String source;

    @Option(names = "--ring", defaultValue = "${env:EDGELENS_RING:-}",
            description = "Frame ring file; empty = /dev/shm/edgelens-<camera-id>.ring. Env EDGELENS_RING."
                    + " Default: empty.")
    String ring;

    @Option(names = "--ring-slots", defaultValue = "${env:EDGELENS_RING_SLOTS:-8}",
            description = "Frames the ring holds, 2..1024. Env EDGELENS_RING_SLOTS. Default: ${DEFAULT-VALUE}.")
    int ringSlots;

    @Option(names = "--pixel-format", defaultValue = "${env:EDGELENS_PIXEL_FORMAT:-BGR24}",
            converter = PixelFormatConverter.class,
            description = "Pixel format of the frames: BGR24, RGB24 or GRAY8. Env EDGELENS_PIXEL_FORMAT."
                    + " Default: ${DEFAULT-VALUE}.")
    PixelFormat pixelFormat;

    @Option(names = "--output-size", defaultValue = "${env:EDGELENS_OUTPUT_SIZE:-}",
            description = "Scale frames to WIDTHxHEIGHT (e.g. 640x360) in FFmpeg; empty = the source's size."
                    + " Env EDGELENS_OUTPUT_SIZE. Default: empty.")
    String outputSize;

    @Option(names = "--rtsp-transport", defaultValue = "${env:EDGELENS_RTSP_TRANSPORT:-tcp}",
            description = "RTSP transport: tcp or udp. Env EDGELENS_RTSP_TRANSPORT. Default: ${DEFAULT-VALUE}.")
    String rtspTransport;

    @Option(names = "--decoder", defaultValue = "${env:EDGELENS_DECODER:-}",
            description = "FFmpeg decoder to use, e.g. h264_cuvid, h264_nvmpi, h264_v4l2m2m; if it is missing or"
                    + " fails to open, software decoding is used (logged once). Empty = FFmpeg's default."
                    + " Env EDGELENS_DECODER. Default: empty.")
    String decoder;

    @Option(names = "--decoder-threads", defaultValue = "${env:EDGELENS_DECODER_THREADS:-0}",
            description = "Decoder threads, 0..64 (0 = FFmpeg's choice). Env EDGELENS_DECODER_THREADS."
                    + " Default: ${DEFAULT-VALUE}.")
    int decoderThreads;

    @Option(names = "--max-fps", defaultValue = "${env:EDGELENS_MAX_FPS:-0}",
            description = "Publish at most this many frames per second (every frame is still decoded), 0..1000;"
                    + " 0 = no cap. Env EDGELENS_MAX_FPS. Default: ${DEFAULT-VALUE}.")
    double maxFps;

    @Option(names = "--pace", defaultValue = "${env:EDGELENS_PACE:-true}", arity = "1",
            converter = BooleanConverter.class,
            description = "Publish file and test-pattern frames at their own frame rate, like a camera (true/false);"
                    + " false = as fast as they decode. Env EDGELENS_PACE. Default: ${DEFAULT-VALUE}.")
    boolean pace;

    @Option(names = "--loop", defaultValue = "${env:EDGELENS_LOOP:-false}", arity = "1",
            converter = BooleanConverter.class,
            description = "Start a file source again at its end (true/false); false = stop at the end."
                    + " Env EDGELENS_LOOP. Default: ${DEFAULT-VALUE}.")
    boolean loop;

    @Option(names = "--io-timeout", defaultValue = "${env:EDGELENS_IO_TIMEOUT:-5s}",
            converter = DurationConverter.class,
            description = "Limit on each network connect/read (FFmpeg 'timeout'), 100ms..10m."
                    + " Env EDGELENS_IO_TIMEOUT. Default: ${DEFAULT-VALUE}.")
    Duration ioTimeout;

    @Option(names = "--stall-timeout", defaultValue = "${env:EDGELENS_STALL_TIMEOUT:-10s}",
            converter = DurationConverter.class,
            description = "Reconnect when no frame arrived for this long, even if the connection is open"
                    + " (also bounds connecting), 200ms..10m. Env EDGELENS_STALL_TIMEOUT. Default: ${DEFAULT-VALUE}.")
    Duration stallTimeout;

    @Option(names = "--reconnect-initial-delay", defaultValue = "${env:EDGELENS_RECONNECT_INITIAL_DELAY:-500ms}",
            converter = DurationConverter.class,
            description = "Delay before the first reconnect, 0..10m; doubles on each failure in a row."
                    + " Env EDGELENS_RECONNECT_INITIAL_DELAY. Default: ${DEFAULT-VALUE}.")
    Duration reconnectInitialDelay;

    @Option(names = "--reconnect-max-delay", defaultValue = "${env:EDGELENS_RECONNECT_MAX_DELAY:-30s}",
            converter = DurationConverter.class,
            description = "Longest reconnect delay, >= the initial delay, <= 1h. Env EDGELENS_RECONNECT_MAX_DELAY."
                    + " Default: ${DEFAULT-VALUE}.")
    Duration reconnectMaxDelay;

    @Option(names = "--reconnect-jitter", defaultValue = "${env:EDGELENS_RECONNECT_JITTER:-0.2}",
            description = "Each delay is shortened by a random fraction up to this, 0..1, so cameras that failed"
                    + " together do not retry together. Env EDGELENS_RECONNECT_JITTER. Default: ${DEFAULT-VALUE}.")
    double reconnectJitter;

    @Option(names = "--max-reconnects", defaultValue = "${env:EDGELENS_MAX_RECONNECTS:--1}",
            description = "Give up (exit 1) after this many failed attempts in a row; -1 = retry forever."
                    + " Env EDGELENS_MAX_RECONNECTS. Default: ${DEFAULT-VALUE}.")
    int maxReconnects;

    @Option(names = "--ffmpeg-log-level", defaultValue = "${env:EDGELENS_FFMPEG_LOG_LEVEL:-error}",
            description = "FFmpeg's own messages at or above this level go to the log (credentials masked):"
                    + " quiet, error, warning or info. Env EDGELENS_FFMPEG_LOG_LEVEL. Default: ${DEFAULT-VALUE}.")
    String ffmpegLogLevel;

    /** IoT Hub connection for the module twin (--iothub-*; off unless configured). Not a capture setting. */
    @Mixin
    HubOptions hub = new HubOptions();

    private static final Pattern SIZE = Pattern.compile("(\\d{1,5})x(\\d{1,5})");

    /** The picocli command line for this schema (help, version, errors). */
    static CommandLine commandLine(CaptureOptions options) {
        return new CommandLine(options);
    }

    static CaptureSettings parse(String... args) throws CaptureSettings.SettingsException {
        CaptureOptions o = new CaptureOptions();
        try {
            commandLine(o).parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new CaptureSettings.SettingsException(Masking.mask(e.getMessage()));
        }
        return o.toSettings();
    }

    /** Validates the parsed values; messages name the option and the allowed values. */
    CaptureSettings toSettings() throws CaptureSettings.SettingsException {
        String id = cameraId == null ? "" : cameraId.strip();
        Path defaultRing;
        try {
            defaultRing = RingPaths.defaultPath(id);
        } catch (IllegalArgumentException e) {
            throw bad("--camera-id", e.getMessage());
        }
        SourceSpec spec;
        try {
            spec = SourceSpec.parse(source);
        } catch (IllegalArgumentException e) {
            throw bad("--source", e.getMessage() + (source == null ? " (or set EDGELENS_SOURCE)" : ""));
        }
        Path ringPath = ring == null || ring.isBlank() ? defaultRing : Path.of(ring.strip());
        requireRange("--ring-slots", ringSlots, 2, 1024);
        int width = 0;
        int height = 0;
        if (outputSize != null && !outputSize.isBlank()) {
            Matcher m = SIZE.matcher(outputSize.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw bad("--output-size", "'" + outputSize + "' is not WIDTHxHEIGHT; expected e.g. 640x360, or empty");
            }
            width = Integer.parseInt(m.group(1));
            height = Integer.parseInt(m.group(2));
            if (width < 16 || height < 16 || width > 8192 || height > 8192 || width % 2 != 0 || height % 2 != 0) {
                throw bad("--output-size", "'" + outputSize + "': width and height must be even numbers from 16 to 8192");
            }
        }
        String transport = rtspTransport == null ? "" : rtspTransport.strip().toLowerCase(Locale.ROOT);
        if (!transport.equals("tcp") && !transport.equals("udp")) {
            throw bad("--rtsp-transport", "'" + rtspTransport + "'; expected tcp or udp");
        }
        String dec = decoder == null ? "" : decoder.strip();
        if (!dec.matches("[A-Za-z0-9_]{0,64}")) {
            throw bad("--decoder", "'" + decoder + "' is not an FFmpeg decoder name; expected letters, digits and _"
                    + " (e.g. h264_cuvid), or empty");
        }
        requireRange("--decoder-threads", decoderThreads, 0, 64);
        if (!(maxFps >= 0 && maxFps <= 1000)) {
            throw bad("--max-fps", "must be between 0 and 1000 (0 = no cap), got " + maxFps);
        }
        requireDuration("--io-timeout", ioTimeout, Duration.ofMillis(100), Duration.ofMinutes(10));
        requireDuration("--stall-timeout", stallTimeout, Duration.ofMillis(200), Duration.ofMinutes(10));
        requireDuration("--reconnect-initial-delay", reconnectInitialDelay, Duration.ZERO, Duration.ofMinutes(10));
        requireDuration("--reconnect-max-delay", reconnectMaxDelay, reconnectInitialDelay, Duration.ofHours(1));
        if (!(reconnectJitter >= 0 && reconnectJitter <= 1)) {
            throw bad("--reconnect-jitter", "must be between 0 and 1, got " + reconnectJitter);
        }
        if (maxReconnects < -1) {
            throw bad("--max-reconnects", "must be -1 (forever) or >= 0, got " + maxReconnects);
        }
        String level = ffmpegLogLevel == null ? "" : ffmpegLogLevel.strip().toLowerCase(Locale.ROOT);
        if (!FfmpegLog.LEVELS.containsKey(level)) {
            throw bad("--ffmpeg-log-level", "'" + ffmpegLogLevel + "'; expected quiet, error, warning or info");
        }
        return new CaptureSettings(id, spec, ringPath, ringSlots, pixelFormat, width, height, transport, dec,
                decoderThreads, maxFps, pace, loop, ioTimeout, stallTimeout, reconnectInitialDelay, reconnectMaxDelay,
                reconnectJitter, maxReconnects, level);
    }

    private static void requireRange(String option, long v, long min, long max) throws CaptureSettings.SettingsException {
        if (v < min || v > max) {
            throw bad(option, "must be between " + min + " and " + max + ", got " + v);
        }
    }

    private static void requireDuration(String option, Duration d, Duration min, Duration max)
            throws CaptureSettings.SettingsException {
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw bad(option, "must be between " + min.toMillis() + "ms and " + max.toMillis() + "ms, got "
                    + d.toMillis() + "ms");
        }
    }

    private static CaptureSettings.SettingsException bad(String option, String what) {
        return new CaptureSettings.SettingsException("Invalid value for option '" + option + "': " + what);
    }

    /** {@code BGR24|RGB24|GRAY8}. */
    static final class PixelFormatConverter implements ITypeConverter<PixelFormat> {
        @Override
        public PixelFormat convert(String value) {
            for (PixelFormat f : PixelFormat.values()) {
                if (f.name().equalsIgnoreCase(value.strip())) {
                    return f;
                }
            }
            throw new TypeConversionException("'" + value + "' is not a pixel format; expected BGR24, RGB24 or GRAY8");
        }
    }
}
