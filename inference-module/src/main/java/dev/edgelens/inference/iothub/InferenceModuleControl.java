package dev.edgelens.inference.iothub;

import dev.edgelens.edge.iothub.ModuleControl;

import java.util.Map;

/**
 * The inference program as its twin and direct methods see it: the settings and status every module
 * has ({@link ModuleControl}) plus the inference methods. Status holds the active model name and
 * sha256, execution provider, frames/s, skipped frames, per-camera source state and the version.
 * The program's implementation is {@code dev.edgelens.inference.InferenceControl}.
 */
public interface InferenceModuleControl extends ModuleControl {

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
