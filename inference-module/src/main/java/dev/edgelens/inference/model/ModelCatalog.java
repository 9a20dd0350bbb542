package dev.edgelens.inference.model;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The models in the models folder and which one should run: the pinned one if configured,
 * otherwise the most recently added or replaced (by the latest change of its .onnx, sidecar or
 * labels file; ties broken by name so the choice is deterministic).
 */
public final class ModelCatalog {

    private final Path dir;
    private final String pinned;

    /**
     * @param dir    the models folder
     * @param pinned model name to run (with or without {@code .onnx}); null or blank = newest
     */
    public ModelCatalog(Path dir, String pinned) {
        this.dir = dir;
        this.pinned = pinned == null || pinned.isBlank() ? null
                : pinned.endsWith(ModelFiles.ONNX) ? pinned.substring(0, pinned.length() - ModelFiles.ONNX.length())
                : pinned;
    }

    public Path dir() {
        return dir;
    }

    /** The pinned model name, or null. */
    public String pinned() {
        return pinned;
    }

    /** One model in the folder with the time it was last added or replaced. */
    public record Entry(ModelFiles files, long changedMillis) {
        public String name() {
            return files.name();
        }
    }

    /** All models in the folder, most recently changed first. */
    public List<Entry> scan() throws IOException {
        List<Entry> entries = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            throw new IOException("models folder " + dir.toAbsolutePath() + " does not exist or is not a folder");
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + ModelFiles.ONNX)) {
            for (Path p : ds) {
                String file = p.getFileName().toString();
                if (file.startsWith(".") || !Files.isRegularFile(p)) {
                    continue; // hidden files: partial downloads, editor temp files
                }
                ModelFiles files = ModelFiles.in(dir, file.substring(0, file.length() - ModelFiles.ONNX.length()));
                try {
                    entries.add(new Entry(files, files.changedMillis()));
                } catch (IOException e) {
                    // removed between listing and stat: not a candidate
                }
            }
        }
        entries.sort(Comparator.comparingLong(Entry::changedMillis).reversed().thenComparing(Entry::name));
        return entries;
    }

    /**
     * The models to try, in order: just the pinned one if configured (empty if it is missing), else
     * every model newest first (the caller falls back to the next when one is rejected).
     */
    public List<Entry> candidates(List<Entry> scanned) {
        if (pinned == null) {
            return scanned;
        }
        return scanned.stream().filter(e -> e.name().equals(pinned)).toList();
    }

    /** Why {@code chosen} runs, for logs and model-changed events. */
    public String reason(Entry chosen, List<Entry> scanned) {
        if (pinned != null) {
            return "pinned by configuration (--model=" + pinned + ")";
        }
        return scanned.size() == 1 ? "the only model in " + dir
                : "most recently added or replaced of " + scanned.size() + " models in " + dir;
    }
}
