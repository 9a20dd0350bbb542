package dev.edgelens.inference;

import dev.edgelens.inference.iothub.IotHubSettings;
import dev.edgelens.inference.model.ExecutionProvider;
import dev.edgelens.inference.policy.PolicySettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All settings of the inference module, validated and immutable. Built from command-line options
 * and {@code EDGELENS_*} environment variables by {@link InferenceOptions}, or from a key/value map
 * with the same option names ({@link #fromMap}), e.g. a twin's desired-property patch, so a patch is
 * applied or rejected as a whole with the same messages.
 *
 * @param cameras            camera id -> ring file, in order
 * @param modelsDir          folder with NAME.onnx (+ NAME.json, NAME.labels.txt)
 * @param pinnedModel        model name to run; null = the most recently added or replaced
 * @param executionProvider  auto, cpu, cuda or tensorrt
 * @param gpuDevice          GPU index for cuda/tensorrt
 * @param threads            ONNX Runtime intra-op threads (0 = its default)
 * @param policy             event policy
 * @param batchWindow        batching window (zero = every event its own message)
 * @param batchMaxBytes      largest batched message
 * @param stdoutEvents       write events to standard output as JSON lines
 * @param eventFile          rotating JSON-lines file, or null
 * @param eventFileMaxBytes  rotate at this size
 * @param eventFileKeep      rotated files kept
 * @param modelPoll          how often the models folder is checked
 * @param modelSettle        how long a model's files must stay unchanged before loading
 * @param iothub             the IoT Hub sink's settings (off unless configured)
 * @param snapshotDir        folder where the snapshot direct method writes JPEGs
 */
public record InferenceSettings(Map<String, Path> cameras, Path modelsDir, String pinnedModel,
                                ExecutionProvider executionProvider, int gpuDevice, int threads,
                                PolicySettings policy, Duration batchWindow, int batchMaxBytes, boolean stdoutEvents,
                                Path eventFile, long eventFileMaxBytes, int eventFileKeep, Duration modelPoll,
                                Duration modelSettle, IotHubSettings iothub, Path snapshotDir) {

    public InferenceSettings {
        cameras = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(cameras));
    }

    /** Parses command-line style arguments; throws {@link SettingsException} naming the bad option. */
    public static InferenceSettings parse(String... args) throws SettingsException {
        return InferenceOptions.parse(args);
    }

    /**
     * Settings from option names (without the leading dashes) to values, on top of the defaults and
     * environment variables; unknown names and invalid values are rejected as a whole.
     * Multi-valued options (camera) take a comma-separated list.
     */
    public static InferenceSettings fromMap(Map<String, String> values) throws SettingsException {
        List<String> args = new ArrayList<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String key = e.getKey().startsWith("--") ? e.getKey() : "--" + e.getKey();
            args.add(key + "=" + e.getValue());
        }
        return parse(args.toArray(String[]::new));
    }

    /** A setting that failed validation: the message names the option and what is allowed. */
    public static final class SettingsException extends Exception {
        public SettingsException(String message) {
            super(message);
        }
    }
}
