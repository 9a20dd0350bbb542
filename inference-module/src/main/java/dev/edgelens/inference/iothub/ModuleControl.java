package dev.edgelens.inference.iothub;

import java.util.Map;

/**
 * What the module twin and direct methods need from the running inference program. The program
 * implements it over its live settings, model switching and status; the IoT Hub side only speaks
 * the protocol ({@link TwinSync}, {@link DirectMethods}).
 *
 * <p>Values use the program's option names without the leading dashes (e.g. {@code min-confidence},
 * {@code top-k}, {@code hysteresis-frames}, {@code execution-provider}, {@code model}) and the
 * option's text form, exactly as {@code --name=value} on the command line. Returned maps are
 * serialised to JSON (nested maps, lists, strings, numbers, booleans). The program's
 * implementation is {@code dev.edgelens.inference.InferenceControl}.
 */
public interface ModuleControl {

    /**
     * Validates {@code changes} together with the current settings and applies them live, all or
     * nothing. A value of null means "back to the default".
     *
     * @return the effective settings afterwards
     * @throws IllegalArgumentException with the reason (naming the option and what was expected,
     *                                  e.g. an unknown model, or an option that needs a restart) when
     *                                  anything is invalid; nothing changed
     */
    Map<String, Object> applySettings(Map<String, String> changes);

    /** The effective settings now (option name to value). */
    Map<String, Object> effectiveSettings();

    /**
     * Status for reported properties and {@code getStatus}: active model name and sha256,
     * execution provider, frames/s, skipped frames, per-camera source state, version.
     */
    Map<String, Object> status();

    /**
     * Switches to {@code models/<name>.onnx} (loaded and validated before the switch).
     *
     * @return the now active model
     * @throws IllegalArgumentException unknown model or rejected by validation (the reason)
     */
    Map<String, Object> setModel(String name) throws Exception;

    /**
     * Saves the newest frame of {@code cameraId} as a JPEG on the device and classifies it.
     *
     * @return {@code path} of the JPEG and its {@code classification}
     * @throws IllegalArgumentException unknown camera or no frame yet
     */
    Map<String, Object> snapshot(String cameraId) throws Exception;
}
