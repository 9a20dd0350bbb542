package dev.edgelens.capture;

import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.IOException;
import java.time.Duration;

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

    static int run(String[] args) {
        CaptureOptions options = new CaptureOptions();
        CommandLine cl = CaptureOptions.commandLine(options);
        CaptureSettings settings;
        try {
            CommandLine.ParseResult pr = cl.parseArgs(args);
            if (CommandLine.printHelpIfRequested(pr)) {
                return 0;
            }
            settings = options.toSettings();
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
        Thread hook = new Thread(() -> {
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
        sink.close();
        return switch (outcome) {
            case STOPPED, END_OF_SOURCE -> 0;
            case GAVE_UP -> 1;
            case STUCK -> 3;
        };
    }
}
