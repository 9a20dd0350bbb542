package dev.edgelens.inference;

import dev.edgelens.inference.model.ExecutionProvider;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InferenceSettingsTest {

    @Test
    void defaults() throws Exception {
        InferenceSettings s = InferenceSettings.parse("--camera=front", "--camera", "back=/tmp/back.ring");
        assertEquals(Path.of("/dev/shm/edgelens-front.ring"), s.cameras().get("front"));
        assertEquals(Path.of("/tmp/back.ring"), s.cameras().get("back"));
        assertEquals(Path.of("models"), s.modelsDir());
        assertNull(s.pinnedModel());
        assertEquals(ExecutionProvider.AUTO, s.executionProvider());
        assertEquals(1, s.threads());
        assertEquals(3, s.policy().topK());
        assertEquals(3, s.policy().hysteresisFrames());
        assertEquals(1000, s.policy().minIntervalMillis());
        assertEquals(60_000, s.policy().heartbeatMillis());
        assertEquals(Duration.ZERO, s.batchWindow());
        assertEquals(4096, s.batchMaxBytes());
        assertTrue(s.stdoutEvents());
        assertNull(s.eventFile());
    }

    @Test
    void fromMapUsesTheSameSchemaAndRejectsAsAWhole() throws Exception {
        Map<String, String> patch = new LinkedHashMap<>();
        patch.put("camera", "a,b=/tmp/b.ring");
        patch.put("model", "mnist-8.onnx");
        patch.put("min-interval", "PT2S");
        patch.put("heartbeat", "30s");
        patch.put("execution-provider", "cpu");
        InferenceSettings s = InferenceSettings.fromMap(patch);
        assertEquals(2, s.cameras().size());
        assertEquals("mnist-8.onnx", s.pinnedModel());
        assertEquals(2000, s.policy().minIntervalMillis());
        assertEquals(30_000, s.policy().heartbeatMillis());

        patch.put("top-k", "0");
        InferenceSettings.SettingsException e = assertThrows(InferenceSettings.SettingsException.class,
                () -> InferenceSettings.fromMap(patch));
        assertEquals("Invalid value for option '--top-k': must be between 1 and 20, got 0", e.getMessage());
        patch.remove("top-k");
        patch.put("no-such-option", "1");
        e = assertThrows(InferenceSettings.SettingsException.class, () -> InferenceSettings.fromMap(patch));
        assertTrue(e.getMessage().contains("--no-such-option"), e.getMessage());
    }

    @Test
    void invalidValuesNameTheOptionAndTheAllowedValues() {
        InferenceSettings.SettingsException e = assertThrows(InferenceSettings.SettingsException.class,
                () -> InferenceSettings.parse("--camera=a", "--execution-provider=gpu"));
        assertTrue(e.getMessage().contains("--execution-provider") && e.getMessage().contains("auto, cpu, cuda, tensorrt"),
                e.getMessage());
        e = assertThrows(InferenceSettings.SettingsException.class,
                () -> InferenceSettings.parse("--camera=a", "--heartbeat=soon"));
        assertTrue(e.getMessage().contains("--heartbeat") && e.getMessage().contains("500ms"), e.getMessage());
        e = assertThrows(InferenceSettings.SettingsException.class, () -> InferenceSettings.parse("--camera=a b"));
        assertTrue(e.getMessage().contains("--camera"), e.getMessage());
        e = assertThrows(InferenceSettings.SettingsException.class,
                () -> InferenceSettings.parse("--camera=a", "--stdout-events=yes"));
        assertTrue(e.getMessage().contains("--stdout-events") && e.getMessage().contains("true or false"), e.getMessage());
    }

    @Test
    void mainExitsWithTwoOnInvalidOptionsAndListsEveryOptionInHelp() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream eb = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(eb, true, StandardCharsets.UTF_8));
            assertEquals(2, InferenceMain.run(new String[]{"--camera=a", "--threads=-1"}));
            assertTrue(eb.toString(StandardCharsets.UTF_8).contains("'--threads'"));
            assertEquals(2, InferenceMain.run(new String[]{}), "--camera is required");
            assertEquals(0, InferenceMain.run(new String[]{"--help"}));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String help = o.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " "); // help text wraps lines
        for (String opt : new String[]{"--camera", "--models-dir", "--model", "--execution-provider", "--gpu-device",
                "--threads", "--top-k", "--min-confidence", "--hysteresis-frames", "--min-interval", "--heartbeat",
                "--batch-window", "--batch-max-bytes", "--stdout-events", "--event-file", "--event-file-max-bytes",
                "--event-file-keep", "--model-poll", "--model-settle"}) {
            assertTrue(help.contains(opt), "help lists " + opt);
        }
        assertTrue(help.contains("EDGELENS_MODELS_DIR") && help.contains("Default: models"), help);
    }
}
