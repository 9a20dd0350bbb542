package dev.edgelens.capture;

import dev.edgelens.edge.iothub.HubSettings;
import dev.edgelens.edge.iothub.ModuleTwin;
import dev.edgelens.edge.iothub.Secrets;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * Entry point: one process per camera. SIGTERM/Ctrl-C stop it within about 1.5 s, marking the ring "writer
 * closed" (the JVM reports 143/130 for the signal). Exit codes: 0 at the end of a file source, 1 when the
 * reconnect limit is reached or the ring cannot be created, 2 on invalid options (the message names the option
 * and the allowed values), 3 when sessions keep getting stuck inside FFmpeg.
 */
public final class CaptureMain {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureMain.class);

    private CaptureMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * The module twin and getStatus when IoT Hub is configured (in the background: an unreachable hub never
     * delays capture); null when it is off or the client cannot be created (logged; capture goes on).
     */
    private static ModuleTwin startTwin(HubSettings hub, CaptureLoop loop, RingSink sink) {
        try {
            return ModuleTwin.start(hub, System.getenv(), new CaptureControl(loop, sink), Map.of());
        } catch (IOException | RuntimeException e) {
            LOG.error("IoT Hub: {}; capturing without the module twin", Secrets.describe(e));
            return null;
        }
    }

    static int run(String[] args) {
        CaptureOptions options = new CaptureOptions();
        CommandLine cl = CaptureOptions.commandLine(options);
        CaptureSettings settings;
        HubSettings hubSettings;
        try {
            CommandLine.ParseResult pr = cl.parseArgs(args);
            if (CommandLine.printHelpIfRequested(pr)) {
                return 0;
            }
            settings = options.toSettings();
            hubSettings = options.hub.toSettings();
        } catch (IllegalArgumentException e) { // IoT Hub options: the message names the option, never the key
            System.err.println(e.getMessage());
            System.err.println("Run with --help for all options.");
            return 2;
        } catch (CommandLine.ParameterException e) {
            System.err.println(Masking.mask(e.getMessage()));
            System.err.println("Run with --help for all options.");
            return 2;
        } catch (CaptureSettings.SettingsException e) {
            System.err.println(e.getMessage());
            System.err.println("Run with --help for all options.");
            return 2;
        }
        try {
            FFmpegFrameGrabber.tryLoad();
        } catch (Exception e) {
            System.err.println("cannot load FFmpeg: " + e.getMessage());
            return 1;
        }
        FfmpegLog.install(settings.source(), settings.ffmpegLogLevel());

        RingSink sink;
        try {
            sink = new RingSink(settings.ringPath(), settings.ringSlots(), settings.cameraId(), settings.pixelFormat(),
                    settings.outputWidth(), settings.outputHeight());
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("--ring " + settings.ringPath() + ": " + e.getMessage());
            return 1;
        }
        CaptureLoop loop = new CaptureLoop(settings, sink);
        ModuleTwin twin = startTwin(hubSettings, loop, sink);
        Thread hook = new Thread(() -> {
            if (twin != null) {
                twin.close();
            }
            loop.stop();
            try {
                loop.awaitFinished(Duration.ofMillis(1500));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sink.close(); // readers see "writer closed", not a crash
        }, "capture-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        LOG.info("camera {}: capturing {} into {} ({}, {} slots)", settings.cameraId(), settings.source(),
                settings.ringPath(), settings.pixelFormat(), settings.ringSlots());

        CaptureLoop.Outcome outcome = loop.run();
        LOG.info("camera {}: {} after {} frames published, {} connection attempts", settings.cameraId(),
                outcome, sink.framesPublished(), loop.sessions());
        if (twin != null) {
            twin.close();
        }
        sink.close();
        return switch (outcome) {
            case STOPPED, END_OF_SOURCE -> 0;
            case GAVE_UP -> 1;
            case STUCK -> 3;
        };
    }
}
