package dev.edgelens.inference.sink;

import dev.edgelens.inference.event.Event;
import dev.edgelens.inference.event.EventJson;
import dev.edgelens.inference.event.Message;
import dev.edgelens.inference.event.ModelRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SinksTest {

    @TempDir
    Path tmp;

    private static Event event(int i) {
        return Event.modelRejected("model-" + i + ".onnx", "output [1,3549,85] is not a class-score vector",
                new ModelRef("mobilenet", "cc028fe6cae7"));
    }

    @Test
    void stdoutSinkWritesOneEventPerLineEvenForBatches() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (StdoutSink sink = new StdoutSink(buf, false)) {
            sink.publish(Message.of(event(1)));
            sink.publish(Message.of(List.of(event(2), event(3))));
        }
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(3, lines.length);
        for (int i = 0; i < 3; i++) {
            assertEquals("model-" + (i + 1) + ".onnx", EventJson.read(lines[i].getBytes(StandardCharsets.UTF_8)).file());
        }
    }

    @Test
    void fileSinkRotatesBySizeAndKeepsTheConfiguredNumberOfFiles() throws Exception {
        Path file = tmp.resolve("logs/events.jsonl");
        List<Event> sent = new ArrayList<>();
        try (RotatingFileSink sink = new RotatingFileSink(file, 1024, 2)) {
            for (int i = 0; i < 40; i++) {
                Event e = event(i);
                sent.add(e);
                sink.publish(Message.of(e));
            }
        }
        assertTrue(Files.size(file) <= 1024);
        assertTrue(Files.size(file.resolveSibling("events.jsonl.1")) <= 1024);
        assertTrue(Files.exists(file.resolveSibling("events.jsonl.2")));
        assertFalse(Files.exists(file.resolveSibling("events.jsonl.3")), "only 2 rotated files kept");
        // The newest events are in the current file, in order, after those in .1.
        List<String> lines = new ArrayList<>(Files.readAllLines(file.resolveSibling("events.jsonl.2")));
        lines.addAll(Files.readAllLines(file.resolveSibling("events.jsonl.1")));
        lines.addAll(Files.readAllLines(file));
        List<Event> tail = sent.subList(sent.size() - lines.size(), sent.size());
        for (int i = 0; i < lines.size(); i++) {
            assertEquals(tail.get(i), EventJson.read(lines.get(i).getBytes(StandardCharsets.UTF_8)));
        }
        // Appends to an existing file after a restart.
        long size = Files.size(file);
        try (RotatingFileSink sink = new RotatingFileSink(file, 1024 * 1024, 2)) {
            sink.publish(Message.of(event(99)));
        }
        assertTrue(Files.size(file) > size);
    }
}
