package dev.edgelens.bench.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the inference process's standard output (one JSON event per line), stamping each line when it arrives:
 * classification events give the frame-to-event latency (arrival minus the frame's capture time, both wall clock
 * on this host) and the model's own time; heartbeats give the per-camera counters (frames processed, skipped).
 */
final class EventCollector implements Runnable {
    /** One classification event. Times in microseconds. */
    record Classified(String camera, long frame, long arrivedMicros, long frameToEventMicros, long captureToRingMicros,
                      long ringToInferenceMicros, long inferenceMicros, String label) {
    }

    /** One heartbeat's counters. */
    record Heartbeat(String camera, long arrivedMicros, long processed, long skipped) {
    }

    private final InputStream in;
    private final ObjectMapper json = new ObjectMapper();
    private final List<Classified> classified = new ArrayList<>();
    private final List<Heartbeat> heartbeats = new ArrayList<>();
    private final Map<String, Integer> otherTypes = new HashMap<>();

    EventCollector(InputStream in) {
        this.in = in;
    }

    static long nowMicros() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }

    private static long micros(String iso) {
        Instant t = Instant.parse(iso);
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }

    @Override
    public void run() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                long arrived = nowMicros();
                JsonNode e;
                try {
                    e = json.readTree(line);
                } catch (IOException notJson) {
                    continue; // standard output carries only events; tolerate anything else
                }
                String type = e.path("type").asText();
                if (type.equals("classification")) {
                    JsonNode lat = e.path("latency");
                    Classified c = new Classified(e.path("cameraId").asText(), e.path("frameSequence").asLong(),
                            arrived, arrived - micros(e.path("captureTime").asText()),
                            lat.path("captureToRingMicros").asLong(), lat.path("ringToInferenceMicros").asLong(),
                            lat.path("inferenceMicros").asLong(), e.path("topK").path(0).path("label").asText());
                    synchronized (this) {
                        classified.add(c);
                    }
                } else if (type.equals("heartbeat")) {
                    JsonNode counters = e.path("counters");
                    Heartbeat h = new Heartbeat(e.path("cameraId").asText(), arrived,
                            counters.path("framesProcessed").asLong(), counters.path("framesSkipped").asLong());
                    synchronized (this) {
                        heartbeats.add(h);
                    }
                } else {
                    synchronized (this) {
                        otherTypes.merge(type, 1, Integer::sum);
                    }
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    /** Classification events that arrived in [from, to). */
    synchronized List<Classified> classified(long fromMicros, long toMicros) {
        List<Classified> out = new ArrayList<>();
        for (Classified c : classified) {
            if (c.arrivedMicros() >= fromMicros && c.arrivedMicros() < toMicros) {
                out.add(c);
            }
        }
        return out;
    }

    synchronized int classifiedCount() {
        return classified.size();
    }

    /** The last heartbeat of a camera that arrived before {@code beforeMicros}, or null. */
    synchronized Heartbeat lastHeartbeat(String camera, long beforeMicros) {
        Heartbeat last = null;
        for (Heartbeat h : heartbeats) {
            if (h.camera().equals(camera) && h.arrivedMicros() < beforeMicros) {
                last = h;
            }
        }
        return last;
    }

    synchronized Map<String, Integer> otherTypes() {
        return new HashMap<>(otherTypes);
    }
}
