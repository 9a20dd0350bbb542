package dev.edgelens.inference;

import dev.edgelens.inference.engine.InferenceEngine;
import dev.edgelens.inference.event.EventSink;
import dev.edgelens.inference.iothub.IotHub;
import dev.edgelens.inference.model.DjlSetup;
import dev.edgelens.inference.model.ModelCatalog;
import dev.edgelens.inference.model.ModelLoader;
import dev.edgelens.inference.model.ModelManager;
import dev.edgelens.inference.policy.EventDispatcher;
import dev.edgelens.inference.sink.RotatingFileSink;
import dev.edgelens.inference.sink.StdoutSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point of the inference module. Exit codes: 0 after a clean stop (SIGTERM/SIGINT), 1 on a
 * start-up failure, 2 on invalid options (the message names the option and the allowed values).
 * Standard output carries only event JSON lines; logs go to standard error.
 */
public final class InferenceMain {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceMain.class);

    private InferenceMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        InferenceOptions options = new InferenceOptions();
        CommandLine cl = InferenceOptions.commandLine(options);
        InferenceSettings settings;
        try {
            CommandLine.ParseResult pr = cl.parseArgs(args);
            if (CommandLine.printHelpIfRequested(pr)) {
                return 0;
            }
            settings = options.toSettings();
        } catch (CommandLine.ParameterException e) {
            System.err.println(e.getMessage());
            System.err.println("Run with --help for all options.");
            return 2;
        } catch (InferenceSettings.SettingsException e) {
            System.err.println(e.getMessage());
            System.err.println("Run with --help for all options.");
            return 2;
        }
        try {
            DjlSetup.ensureOffline();
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        List<EventSink> sinks = new ArrayList<>();
        if (settings.stdoutEvents()) {
            sinks.add(new StdoutSink());
        }
        if (settings.eventFile() != null) {
            try {
                sinks.add(new RotatingFileSink(settings.eventFile(), settings.eventFileMaxBytes(),
                        settings.eventFileKeep()));
            } catch (IOException e) {
                System.err.println("--event-file " + settings.eventFile() + ": cannot open: " + e.getMessage());
                return 1;
            }
        }
        // The twin and direct methods act on the program through this; it is attached to the engine
        // below (the hub connection comes first because the dispatcher needs its sink).
        InferenceControl control = new InferenceControl(settings);
        IotHub hub;
        try {
            hub = IotHub.start(settings.iothub(), System.getenv(), control);
        } catch (IOException | RuntimeException e) {
            System.err.println("IoT Hub: cannot start: " + e.getMessage());
            return 1;
        }
        if (hub != null) {
            sinks.add(hub.sink());
        }
        if (sinks.isEmpty()) {
            LOG.warn("no event sink configured (--stdout-events=false and no --event-file): events are discarded");
        }
        EventDispatcher dispatcher = new EventDispatcher(sinks, settings.batchWindow().toMillis(),
                settings.batchMaxBytes(), 10_000);
        ModelManager models = new ModelManager(new ModelCatalog(settings.modelsDir(), settings.pinnedModel()),
                new ModelLoader(settings.executionProvider(), settings.threads(), settings.gpuDevice()),
                settings.modelSettle().toMillis(), settings.modelPoll().toMillis(), dispatcher);
        InferenceEngine engine = new InferenceEngine(settings.cameras(), models, settings.policy(), dispatcher);
        control.attach(engine, models, dispatcher);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            engine.close();
            dispatcher.close(); // closes the sinks after the last publish
            if (hub != null) {
                hub.close();
            }
            stopped.countDown();
        }, "shutdown"));
        LOG.info("inference module starting: cameras {}, models folder {}{}", settings.cameras(),
                settings.modelsDir().toAbsolutePath(),
                settings.pinnedModel() != null ? ", pinned model " + settings.pinnedModel() : "");
        engine.start();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
