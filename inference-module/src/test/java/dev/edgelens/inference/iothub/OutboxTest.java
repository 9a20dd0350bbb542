package dev.edgelens.inference.iothub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutboxTest {

    @TempDir
    Path dir;

    private static byte[] body(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> drainIds(Outbox box) throws Exception {
        List<String> ids = new ArrayList<>();
        Outbox.Entry e;
        while ((e = box.awaitOldest(Duration.ZERO)) != null) {
            ids.add(e.messageId());
            box.remove(e);
        }
        return ids;
    }

    @Test
    void pendingMessagesSurviveReopenInOrderWithTheirIdsPropertiesAndBodies() throws Exception {
        try (Outbox box = Outbox.open(dir, 1 << 20, Outbox.FsyncPolicy.ALWAYS)) {
            for (int i = 0; i < 12; i++) {
                box.append("id-" + i, i % 3 == 0, Map.of("cameraId", "cam" + (i % 2), "n", Integer.toString(i)),
                        body("{\"n\":" + i + "}"));
            }
            box.remove(box.awaitOldest(Duration.ZERO)); // id-0 acknowledged
        }
        try (Outbox box = Outbox.open(dir, 1 << 20, Outbox.FsyncPolicy.ALWAYS)) {
            assertEquals(11, box.stats().recovered());
            for (int i = 1; i < 12; i++) {
                Outbox.Entry e = box.awaitOldest(Duration.ZERO);
                assertEquals("id-" + i, e.messageId());
                assertEquals(i % 3 == 0, e.heartbeat());
                assertEquals(Map.of("cameraId", "cam" + (i % 2), "n", Integer.toString(i)), e.properties());
                assertArrayEquals(body("{\"n\":" + i + "}"), e.body());
                box.remove(e);
            }
            assertNull(box.awaitOldest(Duration.ofMillis(20)));
            // sequence numbers continue after the recovered ones: a new message goes last
            box.append("late", false, Map.of(), body("{}"));
            assertEquals("late", box.awaitOldest(Duration.ZERO).messageId());
        }
    }

    @Test
    void whenFullTheOldestHeartbeatsGoFirstThenTheOldestOtherMessagesAndEveryDropIsCounted() throws Exception {
        byte[] payload = new byte[1900]; // ~1970 bytes a file with its header: five fit in 10 000
        try (Outbox box = Outbox.open(dir, 10_000, Outbox.FsyncPolicy.NONE)) {
            for (int i = 0; i < 5; i++) {
                box.append((i % 2 == 0 ? "ev-" : "hb-") + i, i % 2 == 1, Map.of(), payload);
            }
            assertEquals(0, box.stats().droppedHeartbeats());
            box.append("ev-5", false, Map.of(), payload);
            box.append("ev-6", false, Map.of(), payload);
            Outbox.Stats s = box.stats();
            assertEquals(2, s.droppedHeartbeats(), "both heartbeats went before any event");
            assertEquals(0, s.droppedOther());
            assertTrue(s.pendingBytes() <= 10_000);
            box.append("ev-7", false, Map.of(), payload);
            assertEquals(1, box.stats().droppedOther(), "then the oldest event");
            assertEquals(List.of("ev-2", "ev-4", "ev-5", "ev-6", "ev-7"), drainIds(box));
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(0, files.count(), "acknowledged and dropped messages leave no files");
            }
            assertThrows(IllegalArgumentException.class, () -> box.append("huge", false, Map.of(), new byte[20_000]));
        }
    }

    @Test
    void halfWrittenAndDamagedFilesDoNotStopRecovery() throws Exception {
        try (Outbox box = Outbox.open(dir, 1 << 20, Outbox.FsyncPolicy.NONE)) {
            box.append("a", false, Map.of(), body("{\"a\":1}"));
            box.append("b", false, Map.of(), body("{\"b\":1}"));
            box.append("c", false, Map.of(), body("{\"c\":1}"));
        }
        // a crash mid-append leaves a .tmp; a power cut without fsync can leave a truncated file
        Files.write(dir.resolve("4.tmp"), body("{\"v\":1,\"id\":\"d\""));
        Path second;
        try (Stream<Path> files = Files.list(dir)) {
            second = files.filter(p -> p.toString().endsWith(".msg")).sorted().toList().get(1);
        }
        byte[] all = Files.readAllBytes(second);
        Files.write(second, java.util.Arrays.copyOf(all, all.length - 3));
        try (Outbox box = Outbox.open(dir, 1 << 20, Outbox.FsyncPolicy.NONE)) {
            assertEquals(1, box.stats().corrupt());
            assertEquals(List.of("a", "c"), drainIds(box));
            assertTrue(Files.exists(second.resolveSibling(second.getFileName() + ".corrupt")));
            assertTrue(Files.notExists(dir.resolve("4.tmp")));
        }
    }

    @Test
    void refusesATinyLimitAndAnUnwritableDirectory() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Outbox.open(dir, 100, Outbox.FsyncPolicy.NONE));
        assertTrue(e.getMessage().contains("at least 4096"), e.getMessage());
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertThrows(java.io.IOException.class, () -> Outbox.open(file.resolve("sub"), 1 << 20, Outbox.FsyncPolicy.NONE));
    }
}
