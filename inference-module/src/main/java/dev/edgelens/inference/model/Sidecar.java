package dev.edgelens.inference.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code NAME.json} next to {@code NAME.onnx}: what the model file cannot tell about its
 * preprocessing, plus per-model event-policy overrides. Every field is optional; unknown fields are
 * an error (a typo would otherwise be silently ignored). Format and examples: {@code docs/models.md}.
 *
 * @param description free text for people (ignored)
 * @param layout      {@code NCHW} or {@code NHWC} (default: from the input shape)
 * @param colorOrder  {@code RGB} or {@code BGR} (default RGB)
 * @param width       input width for a dynamic width dimension (or to check a fixed one)
 * @param height      input height for a dynamic height dimension (or to check a fixed one)
 * @param resize      {@code crop} (default) or {@code stretch}
 * @param resizeShort crop: short side before the centre crop (default max(w,h) * 256/224)
 * @param scale       multiplier for raw 0..255 values (default 1/255)
 * @param mean        per channel, after scale (default 0)
 * @param std         per channel, after mean (default 1)
 * @param softmax     true: apply softmax; false: outputs are already scores; absent: automatic
 *                    (softmax unless the outputs already look like probabilities)
 * @param policy      event policy overrides for this model
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Sidecar(String description, String layout, String colorOrder, Integer width, Integer height, String resize,
                      Integer resizeShort, Double scale, double[] mean, double[] std, Boolean softmax,
                      PolicyOverrides policy) {

    /**
     * @param topK              how many classes an event lists
     * @param minConfidence     top-1 score below which a frame counts as "no confident label"
     * @param hysteresisFrames  frames a new top label must hold before it is reported
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record PolicyOverrides(Integer topK, Double minConfidence, Integer hysteresisFrames) {
    }

    static final Sidecar NONE = new Sidecar(null, null, null, null, null, null, null, null, null, null, null, null);

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    public static Sidecar read(Path file) throws ModelRejectedException {
        String name = file.getFileName().toString();
        try {
            return MAPPER.readValue(file.toFile(), Sidecar.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ModelRejectedException(name, "unknown field '" + e.getPropertyName()
                    + "'; expected description, layout, colorOrder, width, height, resize, resizeShort, scale, mean, std,"
                    + " softmax, policy (topK, minConfidence, hysteresisFrames)", e);
        } catch (JsonProcessingException e) {
            throw new ModelRejectedException(name, "is not a valid sidecar: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelRejectedException(name, "cannot be read: " + e.getMessage(), e);
        }
    }
}
