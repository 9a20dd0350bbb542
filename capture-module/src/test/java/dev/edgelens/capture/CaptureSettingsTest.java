package dev.edgelens.capture;

import dev.edgelens.ring.PixelFormat;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaptureSettingsTest {

    @Test
    void defaults() throws Exception {
        CaptureSettings s = CaptureSettings.parse("--source=rtsp://cam.local/live");
        assertEquals("camera0", s.cameraId());
        assertEquals(Path.of("/dev/shm/edgelens-camera0.ring"), s.ringPath());
        assertEquals(8, s.ringSlots());
        assertEquals(PixelFormat.BGR24, s.pixelFormat());
        assertEquals(0, s.outputWidth());
        assertEquals("tcp", s.rtspTransport());
        assertEquals("", s.decoder());
        assertEquals(0.0, s.maxFps());
        assertTrue(s.pace());
        assertFalse(s.loop());
        assertEquals(Duration.ofSeconds(5), s.ioTimeout());
        assertEquals(Duration.ofSeconds(10), s.stallTimeout());
        assertEquals(Duration.ofMillis(500), s.reconnectInitialDelay());
        assertEquals(Duration.ofSeconds(30), s.reconnectMaxDelay());
        assertEquals(-1, s.maxReconnects());
        assertEquals("error", s.ffmpegLogLevel());
        assertEquals(SourceSpec.Kind.RTSP, s.source().kind());
    }

    @Test
    void mapUsesTheSameSchemaAndRoundTrips() throws Exception {
        CaptureSettings s = CaptureSettings.fromMap(Map.of("source", "rtsp://u:p4ss@cam/x", "camera-id", "door",
                "output-size", "640x360", "pixel-format", "gray8", "stall-timeout", "3s", "max-fps", "5"));
        assertEquals(640, s.outputWidth());
        assertEquals(360, s.outputHeight());
        assertEquals(PixelFormat.GRAY8, s.pixelFormat());
        assertEquals(Duration.ofSeconds(3), s.stallTimeout());
        assertEquals(Path.of("/dev/shm/edgelens-door.ring"), s.ringPath());
        assertEquals(s, CaptureSettings.fromMap(s.toMap()));
        CaptureSettings changed = s.withChanges(Map.of("--max-fps", "2", "decoder", "h264_cuvid"));
        assertEquals(2.0, changed.maxFps());
        assertEquals("h264_cuvid", changed.decoder());
        assertEquals(s.stallTimeout(), changed.stallTimeout());
    }

    @Test
    void aBadPatchIsRejectedAsAWholeNamingTheOption() throws Exception {
        CaptureSettings s = CaptureSettings.parse("--source=lavfi:testsrc2");
        var e = assertThrows(CaptureSettings.SettingsException.class,
                () -> s.withChanges(Map.of("max-fps", "5", "reconnect-jitter", "1.5")));
        assertTrue(e.getMessage().contains("'--reconnect-jitter'") && e.getMessage().contains("between 0 and 1"),
                e.getMessage());
        var unknown = assertThrows(CaptureSettings.SettingsException.class,
                () -> s.withChanges(Map.of("frobnicate", "1")));
        assertTrue(unknown.getMessage().contains("--frobnicate"), unknown.getMessage());
    }

    @Test
    void invalidValuesNameTheOptionAndTheAllowedValues() {
        assertInvalid("'--pixel-format'", "expected BGR24, RGB24 or GRAY8", "--pixel-format=YUV");
        assertInvalid("'--output-size'", "WIDTHxHEIGHT", "--output-size=big");
        assertInvalid("'--output-size'", "even numbers", "--output-size=641x360");
        assertInvalid("'--rtsp-transport'", "expected tcp or udp", "--rtsp-transport=http");
        assertInvalid("'--ring-slots'", "between 2 and 1024", "--ring-slots=1");
        assertInvalid("'--max-fps'", "between 0 and 1000", "--max-fps=-1");
        assertInvalid("'--io-timeout'", "not a duration", "--io-timeout=fast");
        assertInvalid("'--stall-timeout'", "between 200ms", "--stall-timeout=10ms");
        assertInvalid("'--reconnect-max-delay'", "between", "--reconnect-initial-delay=5s", "--reconnect-max-delay=1s");
        assertInvalid("'--max-reconnects'", "-1 (forever)", "--max-reconnects=-2");
        assertInvalid("'--camera-id'", "A-Z a-z 0-9", "--camera-id=front door");
        assertInvalid("'--ffmpeg-log-level'", "quiet, error, warning or info", "--ffmpeg-log-level=loud");
        assertInvalid("'--decoder'", "decoder name", "--decoder=h264;rm");
        assertInvalid("'--pace'", "expected true or false", "--pace=yes");
        assertInvalid("'--source'", "unsupported scheme 'ftp'", "--source=ftp://x/y");
    }

    @Test
    void credentialsNeverShowInMessagesOrToString() throws Exception {
        CaptureSettings s = CaptureSettings.parse("--source=rtsp://admin:Secr3t@10.0.0.5:554/h264");
        assertFalse(s.toString().contains("Secr3t") || s.toString().contains("admin"), s.toString());
        assertTrue(s.toString().contains("rtsp://***@10.0.0.5:554/h264"), s.toString());
        var e = assertThrows(CaptureSettings.SettingsException.class,
                () -> CaptureSettings.parse("--source=rtsp://admin:Secr3t@/h264"));
        assertFalse(e.getMessage().contains("Secr3t"), e.getMessage());
    }

    @Test
    void helpListsEveryOptionWithItsDefaultAndVariable() throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = CaptureMain.run(new String[] {"--help"});
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code);
        String help = out.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        for (Field f : CaptureOptions.class.getDeclaredFields()) {
            picocli.CommandLine.Option o = f.getAnnotation(picocli.CommandLine.Option.class);
            if (o == null) {
                continue;
            }
            String name = o.names()[0];
            assertTrue(help.contains(name + "="), "help lacks " + name);
            String env = "EDGELENS_" + name.substring(2).toUpperCase().replace('-', '_');
            assertTrue(help.contains("Env " + env), "help lacks the variable of " + name);
            assertTrue(o.defaultValue().startsWith("${env:" + env), name + " falls back to " + o.defaultValue());
        }
        assertTrue(help.contains("Default: 10s"), help);
    }

    private static void assertInvalid(String option, String allowed, String... args) {
        var e = assertThrows(CaptureSettings.SettingsException.class, () -> {
            String[] all = new String[args.length + 1];
            all[0] = "--source=lavfi:testsrc2";
            System.arraycopy(args, 0, all, 1, args.length);
            if (args[0].startsWith("--source=")) {
                all = args;
            }
            CaptureSettings.parse(all);
        });
        assertTrue(e.getMessage().contains(option) && e.getMessage().contains(allowed),
                "message for " + String.join(" ", args) + ": " + e.getMessage());
    }
}
