package dev.edgelens.inference.iothub;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small {@link InferenceModuleControl} with a real schema (types, ranges, unknown options, known models),
 * standing in for the inference program's settings in protocol tests: the twin and method code is
 * tested against the contract, the program's own implementation against its settings.
 */
final class TestControl implements InferenceModuleControl {

    static final Set<String> MODELS = Set.of("mobilenetv2-12-int8", "mnist-12");

    private final Path snapshotDir;
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private String model = "mobilenetv2-12-int8";

    TestControl(Path snapshotDir) {
        this.snapshotDir = snapshotDir;
        settings.put("threshold", 0.5);
        settings.put("top-k", 3);
        settings.put("heartbeat", "PT60S");
        settings.put("model", "");
    }

    @Override
    public synchronized Map<String, Object> applySettings(Map<String, String> changes) {
        Map<String, Object> next = new LinkedHashMap<>(settings);
        for (Map.Entry<String, String> e : changes.entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case "threshold" -> {
                    double d = parseDouble("threshold", v);
                    if (d < 0 || d > 1) {
                        throw new IllegalArgumentException("threshold: " + v + " is out of range; expected 0..1");
                    }
                    next.put("threshold", d);
                }
                case "top-k" -> {
                    int k;
                    try {
                        k = Integer.parseInt(v);
                    } catch (NumberFormatException x) {
                        throw new IllegalArgumentException("top-k: '" + v + "' is not an integer");
                    }
                    if (k < 1 || k > 10) {
                        throw new IllegalArgumentException("top-k: " + k + " is out of range; expected 1..10");
                    }
                    next.put("top-k", k);
                }
                case "heartbeat" -> {
                    try {
                        next.put("heartbeat", Duration.parse(v).toString());
                    } catch (RuntimeException x) {
                        throw new IllegalArgumentException("heartbeat: '" + v + "' is not a duration like PT30S");
                    }
                }
                case "model" -> {
                    if (!v.isEmpty() && !MODELS.contains(v)) {
                        throw new IllegalArgumentException("model: no model '" + v + "' in models/");
                    }
                    next.put("model", v);
                }
                default -> throw new IllegalArgumentException("unknown option '" + e.getKey()
                        + "'; expected threshold, top-k, heartbeat, model");
            }
        }
        settings.clear();
        settings.putAll(next);
        return effectiveSettings();
    }

    private static double parseDouble(String name, String v) {
        try {
            return Double.parseDouble(v);
        } catch (RuntimeException x) {
            throw new IllegalArgumentException(name + ": '" + v + "' is not a number");
        }
    }

    @Override
    public synchronized Map<String, Object> effectiveSettings() {
        return new LinkedHashMap<>(settings);
    }

    @Override
    public synchronized Map<String, Object> status() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("activeModel", Map.of("name", model, "sha256", Integer.toHexString(model.hashCode())));
        s.put("provider", "cpu");
        s.put("framesPerSecond", 12.5);
        s.put("skippedFrames", 4);
        s.put("cameras", Map.of("cam-1", Map.of("state", "streaming", "writer", "live")));
        s.put("version", "test");
        return s;
    }

    @Override
    public synchronized Map<String, Object> setModel(String name) {
        if (!MODELS.contains(name)) {
            throw new IllegalArgumentException("setModel: no model '" + name + "' in models/; available: "
                    + List.copyOf(new java.util.TreeSet<>(MODELS)));
        }
        model = name;
        return Map.of("model", name);
    }

    @Override
    public Map<String, Object> snapshot(String cameraId) throws Exception {
        if (!cameraId.equals("cam-1")) {
            throw new IllegalArgumentException("snapshot: unknown camera '" + cameraId + "'; cameras: cam-1");
        }
        BufferedImage img = new BufferedImage(32, 24, BufferedImage.TYPE_3BYTE_BGR);
        Path f = Files.createDirectories(snapshotDir).resolve(cameraId + "-" + System.nanoTime() + ".jpg");
        ImageIO.write(img, "jpg", f.toFile());
        return Map.of("path", f.toString(), "classification", Map.of("label", "black", "score", 0.99));
    }
}
