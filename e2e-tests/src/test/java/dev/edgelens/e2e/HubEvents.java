package dev.edgelens.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgelens.edge.iothub.TestHub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * What the hub received, read the way a cloud consumer reads it: message bodies parsed into events
 * (a body is one event, or an array of events when the policy batches), de-duplicated by event id
 * (delivery is at-least-once), in arrival order; classifications mapped to the scene they show.
 */
final class HubEvents {

    /** A classification event: the scene its top label stands for (null = none), as received. */
    record Classification(String scene, String label, int index, long frameSequence) {
    }

    final List<TestHub.Telemetry> messages;
    final List<JsonNode> events = new ArrayList<>();

    HubEvents(List<TestHub.Telemetry> messages) {
        this.messages = messages;
        Set<String> seen = new HashSet<>();
        for (TestHub.Telemetry t : messages) {
            JsonNode body = t.bodyJson();
            for (JsonNode e : body.isArray() ? body : List.of(body)) {
                if (seen.add(e.path("id").asText())) {
                    events.add(e);
                }
            }
        }
    }

    List<JsonNode> ofType(String type) {
        return events.stream().filter(e -> type.equals(e.path("type").asText())).toList();
    }

    /** The classification events in arrival order, each with its scene by {@code sceneOfTop1}. */
    List<Classification> classifications(Function<JsonNode, String> sceneOfTop1) {
        return ofType("classification").stream().map(e -> {
            JsonNode top = e.path("topK").path(0);
            return new Classification(sceneOfTop1.apply(top), top.path("label").asText(), top.path("index").asInt(-1),
                    e.path("frameSequence").asLong(-1));
        }).toList();
    }

    /** Consecutive classifications of the same scene collapsed into one: the first of each run. */
    static List<Classification> sceneChanges(List<Classification> classifications) {
        List<Classification> out = new ArrayList<>();
        for (Classification c : classifications) {
            if (out.isEmpty() || !out.get(out.size() - 1).scene().equals(c.scene())) {
                out.add(c);
            }
        }
        return out;
    }

    static List<String> scenes(List<Classification> changes) {
        return changes.stream().map(c -> String.valueOf(c.scene())).toList();
    }

    /**
     * True when the newest source-state event says the capture process stopped and closed its ring
     * (events travel in order, so every earlier event is in). Not any "closed": the capture also
     * closes its placeholder ring when the first frame sets the geometry.
     */
    boolean captureStopped() {
        List<JsonNode> states = ofType("source-state");
        if (states.isEmpty()) {
            return false;
        }
        JsonNode source = states.get(states.size() - 1).path("source");
        return "stopped".equals(source.path("state").asText()) && "closed".equals(source.path("writer").asText());
    }

    long bodyBytes() {
        return messages.stream().mapToLong(t -> t.body().length).sum();
    }

    /** The MQTT topic of each message: device id plus the message's system and application properties. */
    long topicBytes() {
        return messages.stream().mapToLong(t -> t.topic().getBytes(StandardCharsets.UTF_8).length).sum();
    }

    /** One line per event for failure messages and the test log. */
    String timeline() {
        StringBuilder sb = new StringBuilder();
        for (JsonNode e : events) {
            sb.append("  ").append(e.path("type").asText());
            if (e.has("frameSequence")) {
                sb.append(" frame ").append(e.path("frameSequence").asLong());
            }
            if (e.path("topK").isArray() && !e.path("topK").isEmpty()) {
                JsonNode top = e.path("topK").path(0);
                sb.append(" top1 '").append(top.path("label").asText()).append("' #").append(top.path("index").asInt())
                        .append(String.format(" %.2f", top.path("score").asDouble()));
            }
            if (e.has("source")) {
                sb.append(" source ").append(e.path("source").path("state").asText()).append('/')
                        .append(e.path("source").path("writer").asText());
            }
            if (e.has("model") && !e.has("topK")) {
                sb.append(" model ").append(e.path("model").path("name").asText());
            }
            if (e.has("counters")) {
                sb.append(" processed ").append(e.path("counters").path("framesProcessed").asLong());
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
