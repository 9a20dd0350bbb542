package dev.edgelens.inference.event;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The event JSON contract that docs/events.md documents and the IoT Hub sink relies on. */
class EventJsonTest {

    @Test
    void classificationHasTheDocumentedFieldsAndRoundTrips() throws Exception {
        Event e = Event.classification("cam1", 42, 1_764_445_000_123_456L, 1_764_445_000_150_000L,
                new ModelRef("mobilenetv2-12-int8", "cc028fe6cae7"), List.of(new Prediction("Egyptian cat", 285, 0.74)),
                new Latency(1200, 300, 9000));
        JsonNode json = EventJson.mapper().readTree(EventJson.toBytes(e));
        assertEquals(Set.of("id", "type", "time", "cameraId", "frameSequence", "captureTime", "inferenceTime", "model",
                "topK", "latency"), fieldNames(json));
        assertEquals("classification", json.get("type").asText());
        assertEquals("2025-11-29T19:36:40.123456Z", json.get("captureTime").asText());
        assertEquals(285, json.get("topK").get(0).get("index").asInt());
        assertEquals("Egyptian cat", json.get("topK").get(0).get("label").asText());
        assertEquals(9000, json.get("latency").get("inferenceMicros").asLong());
        UUID.fromString(json.get("id").asText());
        assertEquals(e, EventJson.read(EventJson.toBytes(e)));
        assertFalse(new String(EventJson.toBytes(e)).contains("\n"), "one line");
    }

    @Test
    void everyTypeHasItsJsonNameAndUniqueIds() throws Exception {
        ModelRef m = new ModelRef("a", "0123456789ab");
        Event changed = Event.modelChanged(m, null, "a.onnx", "pinned");
        Event rejected = Event.modelRejected("b.onnx", "output [1,3549,85] is not a class-score vector", m);
        Event state = Event.sourceState("cam", new SourceInfo("reconnecting", "connection refused", "live", null));
        Event hb = Event.heartbeat("cam", m, null, null, new Counters(1, 2, 3));
        assertEquals("model-changed", EventJson.mapper().readTree(EventJson.toBytes(changed)).get("type").asText());
        assertEquals("model-rejected", EventJson.mapper().readTree(EventJson.toBytes(rejected)).get("type").asText());
        assertEquals("source-state", EventJson.mapper().readTree(EventJson.toBytes(state)).get("type").asText());
        assertEquals("heartbeat", EventJson.mapper().readTree(EventJson.toBytes(hb)).get("type").asText());
        assertNotEquals(changed.id(), rejected.id());
        assertEquals(List.of(changed, rejected), EventJson.readMessage(Message.of(List.of(changed, rejected)).json()));
        assertThrows(IllegalArgumentException.class, () -> EventType.fromJsonName("bogus"));
    }

    private static Set<String> fieldNames(JsonNode n) {
        java.util.Set<String> s = new java.util.HashSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }
}
