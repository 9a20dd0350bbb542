package dev.edgelens.inference.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * The one Jackson configuration for events, so every sink writes byte-identical JSON:
 * compact (one line, no trailing newline), UTF-8, absent fields left out, and tolerant of unknown
 * fields when reading (newer producers may add fields).
 */
public final class EventJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private EventJson() {
    }

    /** The shared mapper (thread-safe); do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** One event as a compact JSON object (UTF-8). */
    public static byte[] toBytes(Event event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot serialise event " + event.id(), e);
        }
    }

    /** Several events as a compact JSON array (UTF-8). */
    public static byte[] toBytes(List<Event> events) {
        try {
            return MAPPER.writeValueAsBytes(events);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot serialise " + events.size() + " events", e);
        }
    }

    /** Reads one event object. */
    public static Event read(byte[] json) throws IOException {
        return MAPPER.readValue(json, Event.class);
    }

    /** Reads a message body: a single event object or an array of events. */
    public static List<Event> readMessage(byte[] json) throws IOException {
        int i = 0;
        while (i < json.length && Character.isWhitespace(json[i])) {
            i++;
        }
        if (i < json.length && json[i] == '[') {
            return Arrays.asList(MAPPER.readValue(json, Event[].class));
        }
        return List.of(read(json));
    }
}
