package dev.edgelens.inference;

import dev.edgelens.edge.options.BooleanConverter;
import dev.edgelens.edge.options.DurationConverter;
import dev.edgelens.inference.iothub.IotHubOptions;
import dev.edgelens.inference.model.ExecutionProvider;
import dev.edgelens.inference.policy.PolicySettings;
import dev.edgelens.ring.RingPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The option schema of the inference module (picocli): every option has a long name, an
 * {@code EDGELENS_*} environment variable fallback and a default shown by {@code --help}. The
 * schema is documented in {@code docs/configuration.md}.
 */
@Command(name = "edgelens-inference", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Classifies the newest frame of each camera's frame ring with the ONNX model in the models"
                + " folder and writes result events.",
        footer = "Every option can also be set with the environment variable shown; the command line wins.")
public final class InferenceOptions {

    @Option(names = "--camera", split = ",", defaultValue = "${env:EDGELENS_CAMERAS}", paramLabel = "ID[=RING]",
            description = "Camera to serve, repeatable or comma-separated: ID=RING-FILE, or ID alone for"
                    + " /dev/shm/edgelens-ID.ring. Env EDGELENS_CAMERAS. Required.")
    List<String> cameras;

    @Option(names = "--models-dir", defaultValue = "${env:EDGELENS_MODELS_DIR:-models}",
            description = "Folder with NAME.onnx models (+ NAME.json, NAME.labels.txt). Env EDGELENS_MODELS_DIR."
                    + " Default: ${DEFAULT-VALUE}.")
    Path modelsDir;

    @Option(names = "--model", defaultValue = "${env:EDGELENS_MODEL:-}",
            description = "Pin this model (NAME or NAME.onnx); empty = run the most recently added or replaced."
                    + " Env EDGELENS_MODEL. Default: empty.")
    String model;

    @Option(names = "--execution-provider", defaultValue = "${env:EDGELENS_EXECUTION_PROVIDER:-auto}",
            converter = ProviderConverter.class,
            description = "auto (TensorRT, then CUDA, then CPU), cpu, cuda or tensorrt."
                    + " Env EDGELENS_EXECUTION_PROVIDER. Default: ${DEFAULT-VALUE}.")
    ExecutionProvider executionProvider;

    @Option(names = "--gpu-device", defaultValue = "${env:EDGELENS_GPU_DEVICE:-0}",
            description = "GPU index for cuda/tensorrt. Env EDGELENS_GPU_DEVICE. Default: ${DEFAULT-VALUE}.")
    int gpuDevice;

    @Option(names = "--threads", defaultValue = "${env:EDGELENS_THREADS:-1}",
            description = "ONNX Runtime intra-op threads, 0 = ONNX Runtime's default (one per core)."
                    + " Env EDGELENS_THREADS. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--top-k", defaultValue = "${env:EDGELENS_TOP_K:-3}",
            description = "Classes listed per event, 1..20. Env EDGELENS_TOP_K. Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(names = "--min-confidence", defaultValue = "${env:EDGELENS_MIN_CONFIDENCE:-0.0}",
            description = "Top-1 score below which a frame has no confident label, 0..1."
                    + " Env EDGELENS_MIN_CONFIDENCE. Default: ${DEFAULT-VALUE}.")
    double minConfidence;

    @Option(names = "--hysteresis-frames", defaultValue = "${env:EDGELENS_HYSTERESIS_FRAMES:-3}",
            description = "Consecutive frames a new top label must hold before it is reported, >= 1."
                    + " Env EDGELENS_HYSTERESIS_FRAMES. Default: ${DEFAULT-VALUE}.")
    int hysteresisFrames;

    @Option(names = "--min-interval", defaultValue = "${env:EDGELENS_MIN_INTERVAL:-1s}",
            converter = DurationConverter.class,
            description = "Least time between two classification events of one camera (e.g. 500ms, 2s, PT1M)."
                    + " Env EDGELENS_MIN_INTERVAL. Default: ${DEFAULT-VALUE}.")
    Duration minInterval;

    @Option(names = "--heartbeat", defaultValue = "${env:EDGELENS_HEARTBEAT:-60s}", converter = DurationConverter.class,
            description = "Heartbeat period per camera, > 0. Env EDGELENS_HEARTBEAT. Default: ${DEFAULT-VALUE}.")
    Duration heartbeat;

    @Option(names = "--batch-window", defaultValue = "${env:EDGELENS_BATCH_WINDOW:-0s}",
            converter = DurationConverter.class,
            description = "Collect events for this long into one message (0 = no batching)."
                    + " Env EDGELENS_BATCH_WINDOW. Default: ${DEFAULT-VALUE}.")
    Duration batchWindow;

    @Option(names = "--batch-max-bytes", defaultValue = "${env:EDGELENS_BATCH_MAX_BYTES:-4096}",
            description = "Largest batched message in bytes, 256..262144. Env EDGELENS_BATCH_MAX_BYTES."
                    + " Default: ${DEFAULT-VALUE}.")
    int batchMaxBytes;

    @Option(names = "--stdout-events", defaultValue = "${env:EDGELENS_STDOUT_EVENTS:-true}", arity = "1",
            converter = BooleanConverter.class,
            description = "Write events to standard output as JSON lines (true/false). Env EDGELENS_STDOUT_EVENTS."
                    + " Default: ${DEFAULT-VALUE}.")
    boolean stdoutEvents;

    @Option(names = "--event-file", defaultValue = "${env:EDGELENS_EVENT_FILE:-}",
            description = "Also append events to this JSON-lines file, rotated by size; empty = off."
                    + " Env EDGELENS_EVENT_FILE. Default: empty.")
    String eventFile;

    @Option(names = "--event-file-max-bytes", defaultValue = "${env:EDGELENS_EVENT_FILE_MAX_BYTES:-10485760}",
            description = "Rotate the event file at this size, >= 1024. Env EDGELENS_EVENT_FILE_MAX_BYTES."
                    + " Default: ${DEFAULT-VALUE}.")
    long eventFileMaxBytes;

    @Option(names = "--event-file-keep", defaultValue = "${env:EDGELENS_EVENT_FILE_KEEP:-5}",
            description = "Rotated event files kept, >= 0. Env EDGELENS_EVENT_FILE_KEEP. Default: ${DEFAULT-VALUE}.")
    int eventFileKeep;

    @Option(names = "--model-poll", defaultValue = "${env:EDGELENS_MODEL_POLL:-500ms}",
            converter = DurationConverter.class,
            description = "How often the models folder is checked, >= 10ms. Env EDGELENS_MODEL_POLL."
                    + " Default: ${DEFAULT-VALUE}.")
    Duration modelPoll;

    @Option(names = "--model-settle", defaultValue = "${env:EDGELENS_MODEL_SETTLE:-1s}",
            converter = DurationConverter.class,
            description = "A model's files must stay unchanged this long before it is loaded (file completely"
                    + " written). Env EDGELENS_MODEL_SETTLE. Default: ${DEFAULT-VALUE}.")
    Duration modelSettle;

    @Option(names = "--snapshot-dir", defaultValue = "${env:EDGELENS_SNAPSHOT_DIR:-snapshots}",
            description = "Folder where the snapshot direct method saves JPEGs (created when needed)."
                    + " Env EDGELENS_SNAPSHOT_DIR. Default: ${DEFAULT-VALUE}.")
    Path snapshotDir;

    /** The IoT Hub sink's options (--iothub-*), documented in docs/configuration.md#iot-hub. */
    @CommandLine.Mixin
    IotHubOptions iothub = new IotHubOptions();

    /** The picocli command line for this schema (help, version, errors). */
    static CommandLine commandLine(InferenceOptions options) {
        CommandLine cl = new CommandLine(options);
        cl.setCaseInsensitiveEnumValuesAllowed(false);
        return cl;
    }

    static InferenceSettings parse(String... args) throws InferenceSettings.SettingsException {
        InferenceOptions o = new InferenceOptions();
        CommandLine cl = commandLine(o);
        try {
            cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new InferenceSettings.SettingsException(e.getMessage());
        }
        return o.toSettings();
    }

    /** Validates the parsed values; messages name the option and the allowed values. */
    InferenceSettings toSettings() throws InferenceSettings.SettingsException {
        Map<String, Path> cams = new LinkedHashMap<>();
        if (cameras == null || cameras.isEmpty() || cameras.stream().allMatch(String::isBlank)) {
            throw bad("--camera", "is required: give at least one camera as ID or ID=RING-FILE (or set EDGELENS_CAMERAS)");
        }
        for (String c : cameras) {
            String spec = c.strip();
            if (spec.isEmpty()) {
                continue;
            }
            int eq = spec.indexOf('=');
            String id = eq < 0 ? spec : spec.substring(0, eq).strip();
            Path ring;
            try {
                ring = eq < 0 ? RingPaths.defaultPath(id) : Path.of(spec.substring(eq + 1).strip());
                RingPaths.defaultPath(id); // validates the id
            } catch (IllegalArgumentException e) {
                throw bad("--camera", "'" + spec + "': " + e.getMessage());
            }
            if (eq >= 0 && spec.substring(eq + 1).isBlank()) {
                throw bad("--camera", "'" + spec + "': the ring file after '=' is empty");
            }
            if (cams.put(id, ring) != null) {
                throw bad("--camera", "camera id '" + id + "' is given twice");
            }
        }
        requireRange("--threads", threads, 0, 256);
        requireRange("--gpu-device", gpuDevice, 0, 64);
        requireRange("--batch-max-bytes", batchMaxBytes, 256, 262144);
        requireRange("--event-file-keep", eventFileKeep, 0, 1000);
        if (eventFileMaxBytes < 1024) {
            throw bad("--event-file-max-bytes", "must be >= 1024, got " + eventFileMaxBytes);
        }
        if (modelPoll.toMillis() < 10) {
            throw bad("--model-poll", "must be >= 10ms, got " + modelPoll.toMillis() + "ms");
        }
        if (modelSettle.isNegative()) {
            throw bad("--model-settle", "must be >= 0");
        }
        if (batchWindow.isNegative()) {
            throw bad("--batch-window", "must be >= 0");
        }
        if (snapshotDir == null || snapshotDir.toString().isBlank()) {
            throw bad("--snapshot-dir", "must not be empty");
        }
        PolicySettings policy;
        requireRange("--top-k", topK, 1, 20);
        requireRange("--hysteresis-frames", hysteresisFrames, 1, 10_000);
        if (!(minConfidence >= 0 && minConfidence <= 1)) {
            throw bad("--min-confidence", "must be between 0 and 1, got " + minConfidence);
        }
        if (minInterval.isNegative()) {
            throw bad("--min-interval", "must be >= 0");
        }
        if (heartbeat.isZero() || heartbeat.isNegative()) {
            throw bad("--heartbeat", "must be > 0");
        }
        policy = new PolicySettings(topK, minConfidence, hysteresisFrames, minInterval.toMillis(), heartbeat.toMillis());
        dev.edgelens.inference.iothub.IotHubSettings hub;
        try {
            hub = iothub.toSettings();
        } catch (IllegalArgumentException e) {
            throw new InferenceSettings.SettingsException(e.getMessage());
        }
        return new InferenceSettings(cams, modelsDir, model == null || model.isBlank() ? null : model.strip(),
                executionProvider, gpuDevice, threads, policy, batchWindow, batchMaxBytes, stdoutEvents,
                eventFile == null || eventFile.isBlank() ? null : Path.of(eventFile.strip()), eventFileMaxBytes,
                eventFileKeep, modelPoll, modelSettle, hub, snapshotDir);
    }

    private static void requireRange(String option, long v, long min, long max)
            throws InferenceSettings.SettingsException {
        if (v < min || v > max) {
            throw bad(option, "must be between " + min + " and " + max + ", got " + v);
        }
    }

    private static InferenceSettings.SettingsException bad(String option, String what) {
        return new InferenceSettings.SettingsException("Invalid value for option '" + option + "': " + what);
    }

    /** {@code auto|cpu|cuda|tensorrt}. */
    static final class ProviderConverter implements ITypeConverter<ExecutionProvider> {
        @Override
        public ExecutionProvider convert(String value) {
            for (ExecutionProvider p : ExecutionProvider.values()) {
                if (p.optionName().equals(value.strip().toLowerCase(Locale.ROOT))) {
                    return p;
                }
            }
            throw new TypeConversionException("'" + value + "' is not an execution provider; expected one of"
                    + " auto, cpu, cuda, tensorrt");
        }
    }
}
