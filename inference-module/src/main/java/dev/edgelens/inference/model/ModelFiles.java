package dev.edgelens.inference.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * The files of one model in the models folder: {@code NAME.onnx} and, if present,
 * {@code NAME.json} (sidecar) and {@code NAME.labels.txt}.
 */
public record ModelFiles(String name, Path onnx, Path sidecar, Path labels) {

    public static final String ONNX = ".onnx";
    public static final String SIDECAR = ".json";
    public static final String LABELS = ".labels.txt";

    /** The files of model {@code name} in {@code dir} (the .onnx need not exist yet). */
    public static ModelFiles in(Path dir, String name) {
        Path sidecar = dir.resolve(name + SIDECAR);
        Path labels = dir.resolve(name + LABELS);
        return new ModelFiles(name, dir.resolve(name + ONNX),
                Files.isRegularFile(sidecar) ? sidecar : null,
                Files.isRegularFile(labels) ? labels : null);
    }

    /**
     * When the model was last added or replaced: the latest change of any of its files. The inode
     * change time counts too, because {@code mv} keeps a file's modification time but a rename into
     * the folder updates its change time.
     */
    public long changedMillis() throws IOException {
        long t = changed(onnx);
        if (sidecar != null) {
            t = Math.max(t, changed(sidecar));
        }
        if (labels != null) {
            t = Math.max(t, changed(labels));
        }
        return t;
    }

    /**
     * Size and times of every file: equal fingerprints mean nothing was written in between (used to
     * wait until a file is completely written, and to notice replacements).
     */
    public String fingerprint() {
        return part(onnx) + "|" + part(dir().resolve(name + SIDECAR)) + "|" + part(dir().resolve(name + LABELS));
    }

    private Path dir() {
        return Objects.requireNonNull(onnx.getParent(), "model path has no folder");
    }

    private static String part(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            Object key = a.fileKey();
            return a.size() + "/" + a.lastModifiedTime().toMillis() + "/" + changed(p) + "/" + key;
        } catch (NoSuchFileException e) {
            return "-";
        } catch (IOException e) {
            return "?" + e.getMessage();
        }
    }

    private static long changed(Path p) throws IOException {
        long mtime = Files.getLastModifiedTime(p).toMillis();
        try {
            Object ctime = Files.getAttribute(p, "unix:ctime");
            if (ctime instanceof FileTime ft) {
                return Math.max(mtime, ft.toMillis());
            }
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            // not a Unix file system: the modification time is all there is
        }
        return mtime;
    }
}
