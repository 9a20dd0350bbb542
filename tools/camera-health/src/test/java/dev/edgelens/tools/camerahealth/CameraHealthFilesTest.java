package dev.edgelens.tools.camerahealth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.TensorInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
}
