package dev.edgelens.inference.deploy;

import dev.edgelens.ring.FrameRingWriter;
import dev.edgelens.ring.PixelFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * docker/healthcheck.sh, the images' HEALTHCHECK, against real ring files (the shell script reads the
 * header at the offsets of docs/frame-ring.md, so a layout change that forgets it fails here) and real
 * event files.
 */
class HealthcheckScriptTest {

    private record Result(int exit, String output) {
    }

    @Test
    void captureIsHealthyOnlyWhileItsRingWriterHeartbeats(@TempDir Path dir) throws Exception {
        Path ring = dir.resolve("edgelens-cam1.ring");
        Path frozen = dir.resolve("frozen.ring");
        try (FrameRingWriter writer = FrameRingWriter.create(ring, 4,
                FrameRingWriter.slotCapacityFor(64, 36, PixelFormat.BGR24), "cam1")) {
            Result live = run("capture", Map.of("EDGELENS_RING", ring.toString()));
            assertEquals(0, live.exit, live.output);
            assertTrue(live.output.startsWith("healthy"), live.output);
            // A byte copy of a live ring is what a killed or hung writer leaves: open, heartbeat frozen.
            Files.copy(ring, frozen);
            Result stale = run("capture", Map.of("EDGELENS_RING", frozen.toString()));
            assertEquals(1, stale.exit, stale.output);
            assertTrue(stale.output.contains("no writer heartbeat"), stale.output);
        }
        Result closed = run("capture", Map.of("EDGELENS_RING", ring.toString()));
        assertEquals(1, closed.exit, closed.output);
        assertTrue(closed.output.contains("writer closed"), closed.output);

        Result missing = run("capture", Map.of("EDGELENS_RING", dir.resolve("none.ring").toString()));
        assertEquals(1, missing.exit, missing.output);
        Files.writeString(dir.resolve("other.ring"), "not a ring at all, just text");
        Result foreign = run("capture", Map.of("EDGELENS_RING", dir.resolve("other.ring").toString()));
        assertEquals(1, foreign.exit, foreign.output);
        assertTrue(foreign.output.contains("not an initialised frame ring"), foreign.output);
    }

    @Test
    void inferenceIsHealthyWhileEventsKeepComing(@TempDir Path dir) throws Exception {
        Path events = dir.resolve("events.jsonl");
        Files.writeString(events, "{\"type\":\"heartbeat\"}\n");
        Result fresh = run("inference", Map.of("EDGELENS_EVENT_FILE", events.toString()));
        assertEquals(0, fresh.exit, fresh.output);

        // default heartbeat 60 s: the limit is 2 x 60 + 30 = 150 s
        Files.setLastModifiedTime(events, FileTime.from(Instant.now().minusSeconds(200)));
        Result old = run("inference", Map.of("EDGELENS_EVENT_FILE", events.toString()));
        assertEquals(1, old.exit, old.output);
        assertTrue(old.output.contains("limit 150s"), old.output);
        Result slowHeartbeat = run("inference", Map.of("EDGELENS_EVENT_FILE", events.toString(),
                "EDGELENS_HEARTBEAT", "PT5M"));
        assertEquals(0, slowHeartbeat.exit, slowHeartbeat.output);
        Result explicit = run("inference", Map.of("EDGELENS_EVENT_FILE", events.toString(),
                "EDGELENS_HEALTH_MAX_AGE", "100"));
        assertEquals(1, explicit.exit, explicit.output);

        Result none = run("inference", Map.of());
        assertEquals(1, none.exit, none.output);
        assertTrue(none.output.contains("EDGELENS_EVENT_FILE is not set"), none.output);
        Result notYet = run("inference", Map.of("EDGELENS_EVENT_FILE", dir.resolve("later.jsonl").toString()));
        assertEquals(1, notYet.exit, notYet.output);
    }

    private static Result run(String mode, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("sh", DockerFiles.file("healthcheck.sh").toString(), mode)
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("EDGELENS_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("healthcheck.sh " + mode + " did not finish within 30 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
    }
}
