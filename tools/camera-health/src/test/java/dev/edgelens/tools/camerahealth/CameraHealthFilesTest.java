package dev.edgelens.tools.camerahealth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The committed model files are exactly what the generator produces, and the generator is deterministic. */
class CameraHealthFilesTest {

    @Test
    void generatingTwiceGivesIdenticalBytes() {
        List<CameraHealthFiles.File> first = CameraHealthFiles.all();
        List<CameraHealthFiles.File> second = CameraHealthFiles.all();
        assertEquals(first.size(), second.size());
        for (int i = 0; i < first.size(); i++) {
            assertEquals(first.get(i).name(), second.get(i).name());
            assertArrayEquals(first.get(i).bytes(), second.get(i).bytes(), first.get(i).name());
        }
    }

    @Test
    void committedFilesEqualAFreshGeneration() throws Exception {
        Path models = TestPaths.models();
        for (CameraHealthFiles.File f : CameraHealthFiles.all()) {
            Path committed = models.resolve(f.name());
            assertTrue(Files.isRegularFile(committed), committed + " is missing: regenerate with "
                    + "`mvn -q -pl tools/camera-health compile exec:java` and commit it");
            assertArrayEquals(f.bytes(), Files.readAllBytes(committed), committed + " differs from a fresh "
                    + "generation: regenerate with `mvn -q -pl tools/camera-health compile exec:java` and commit it");
        }
    }

    @Test
    void generatorMainWritesTheSameFiles() throws Exception {
        Path dir = Files.createTempDirectory("camera-health");
        GenerateCameraHealthModel.main(new String[] {dir.toString()});
        for (CameraHealthFiles.File f : CameraHealthFiles.all()) {
            assertArrayEquals(f.bytes(), Files.readAllBytes(dir.resolve(f.name())), f.name());
            Files.delete(dir.resolve(f.name()));
        }
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "no temporary files left behind");
        }
        Files.delete(dir);
    }

    @Test
    void modelDeclaresTheDocumentedInputAndOutput() throws Exception {
        byte[] model = Files.readAllBytes(TestPaths.models().resolve(CameraHealthFiles.MODEL));
        try (HealthSession s = new HealthSession(model)) {
            Map<String, NodeInfo> inputs = s.session().getInputInfo();
            assertEquals(List.of("image"), List.copyOf(inputs.keySet()));
            assertArrayEquals(new long[] {1, 3, 224, 224}, ((TensorInfo) inputs.get("image").getInfo()).getShape());
            Map<String, NodeInfo> outputs = s.session().getOutputInfo();
            assertEquals(List.of("scores"), List.copyOf(outputs.keySet()));
            assertArrayEquals(new long[] {1, 5}, ((TensorInfo) outputs.get("scores").getInfo()).getShape());
        }
        List<String> labels = Files.readAllLines(TestPaths.models().resolve(CameraHealthFiles.LABELS),
                StandardCharsets.UTF_8);
        assertEquals(List.of("ok", "dark", "overexposed", "covered", "blurred"), labels);
    }

    /**
     * The sidecar says what the graph's thresholds assume (whole frame stretched, RGB 0..1, no
     * softmax) and uses only the field names of the inference module's sidecar format (docs/models.md),
     * which rejects unknown fields.
     */
    @Test
    void sidecarDeclaresStretchRgbUnitScaleAndNoSoftmax() throws Exception {
        JsonNode sidecar = new ObjectMapper()
                .readTree(TestPaths.models().resolve(CameraHealthFiles.SIDECAR).toFile());
        Set<String> known = Set.of("layout", "colorOrder", "width", "height", "resize", "resizeShort", "scale",
                "mean", "std", "softmax", "policy");
        sidecar.fieldNames().forEachRemaining(f -> assertTrue(known.contains(f), "unknown sidecar field " + f));
        assertEquals("stretch", sidecar.get("resize").asText());
        assertEquals("RGB", sidecar.get("colorOrder").asText());
        assertEquals(1.0 / 255, sidecar.get("scale").asDouble(), 1e-9);
        for (String f : List.of("mean", "std")) {
            assertEquals(3, sidecar.get(f).size(), f);
            sidecar.get(f).forEach(v -> assertEquals(f.equals("mean") ? 0.0 : 1.0, v.asDouble(), f));
        }
        assertFalse(sidecar.get("softmax").asBoolean(true));
    }
}
