package dev.edgelens.inference;

import dev.edgelens.inference.TestSupport.CollectingSink;
import dev.edgelens.inference.engine.InferenceEngine;
import dev.edgelens.inference.engine.RingPublisher;
import dev.edgelens.inference.model.ModelCatalog;
import dev.edgelens.inference.model.ModelLoader;
import dev.edgelens.inference.model.ModelManager;
import dev.edgelens.inference.policy.EventDispatcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The inference program wired as InferenceMain wires it (settings from the real option schema,
 * dispatcher, model manager, engine, {@link InferenceControl}), with real models in a models folder
 * and a real ring fed with chelsea.png ("cam1"); camera "cam2" has no ring. Events go to memory.
 */
public final class TestProgram implements AutoCloseable {

    public final Path models;
    public final Path snapshots;
    public final CollectingSink sink = new CollectingSink();
    public final RingPublisher cam1;
    public final InferenceSettings settings;
    public final EventDispatcher dispatcher;
    public final ModelManager manager;
    public final InferenceEngine engine;
    public final InferenceControl control;

    /** @param extraArgs more options, e.g. --top-k=2 */
    public TestProgram(Path tmp, String... extraArgs) throws Exception {
        models = Files.createDirectories(tmp.resolve("models"));
        snapshots = tmp.resolve("snapshots");
        TestSupport.installModel(models, "mobilenetv2-12-int8.onnx", "mobilenet", "imagenet-synset-labels.txt",
                TestSupport.MOBILENET_SIDECAR);
        TestSupport.installModel(models, "mnist-8.onnx", "mnist", "mnist-labels.txt", null);
        TestSupport.installModel(models, "yolox-nano.onnx", "yolox", null, null);
        List<String> args = new ArrayList<>(List.of("--camera=cam1=" + tmp.resolve("cam1.ring"),
                "--camera=cam2=" + tmp.resolve("cam2.ring"), "--models-dir=" + models, "--model=mobilenet",
                "--execution-provider=cpu", "--threads=1", "--hysteresis-frames=1", "--min-interval=0s",
                "--heartbeat=200ms", "--stdout-events=false", "--snapshot-dir=" + snapshots,
                "--model-settle=100ms", "--model-poll=50ms"));
        args.addAll(List.of(extraArgs));
        settings = InferenceSettings.parse(args.toArray(String[]::new));
        cam1 = new RingPublisher(tmp.resolve("cam1.ring"), "cam1", 600, 400, TestSupport.bgr("chelsea.png"), 20);
        dispatcher = new EventDispatcher(List.of(sink), settings.batchWindow().toMillis(), settings.batchMaxBytes(),
                10_000);
        manager = new ModelManager(new ModelCatalog(settings.modelsDir(), settings.pinnedModel()),
                new ModelLoader(settings.executionProvider(), settings.threads(), settings.gpuDevice()),
                settings.modelSettle().toMillis(), settings.modelPoll().toMillis(), dispatcher);
        engine = new InferenceEngine(settings.cameras(), manager, settings.policy(), dispatcher);
        control = new InferenceControl(settings);
        control.attach(engine, manager, dispatcher);
        engine.start();
    }

    @Override
    public void close() throws Exception {
        engine.close();
        dispatcher.close();
        cam1.close();
    }
}
