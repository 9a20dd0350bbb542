package dev.edgelens.inference.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which model runs: pinned, else the most recently added or replaced. */
class ModelCatalogTest {

    @TempDir
    Path dir;

    private static List<String> names(List<ModelCatalog.Entry> entries) {
        return entries.stream().map(ModelCatalog.Entry::name).toList();
    }

    @Test
    void newestAddedOrReplacedComesFirstAndPinningWins() throws Exception {
        Files.writeString(dir.resolve("a.onnx"), "a");
        Thread.sleep(20);
        Files.writeString(dir.resolve("b.onnx"), "b");
        Files.writeString(dir.resolve(".partial.onnx"), "hidden");
        Files.writeString(dir.resolve("notes.txt"), "not a model");
        ModelCatalog newest = new ModelCatalog(dir, null);
        assertEquals(List.of("b", "a"), names(newest.scan()));

        // Replacing a's labels makes a the most recently replaced model.
        Thread.sleep(20);
        Files.writeString(dir.resolve("a.labels.txt"), "x\ny\n");
        assertEquals(List.of("a", "b"), names(newest.scan()));

        // A file moved in keeps its old modification time, but the rename counts (change time).
        Path outside = Files.createTempFile("c", ".onnx");
        Files.setLastModifiedTime(outside, FileTime.fromMillis(0));
        Thread.sleep(20);
        Files.move(outside, dir.resolve("c.onnx"), StandardCopyOption.REPLACE_EXISTING);
        assertEquals("c", newest.scan().get(0).name(), "mv into the folder counts as added");

        ModelCatalog pinned = new ModelCatalog(dir, "b.onnx");
        assertEquals(List.of("b"), names(pinned.candidates(pinned.scan())));
        assertTrue(pinned.reason(pinned.scan().get(0), pinned.scan()).contains("pinned"));
        assertTrue(new ModelCatalog(dir, "zzz").candidates(pinned.scan()).isEmpty());
    }
}
