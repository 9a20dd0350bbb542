package dev.edgelens.inference.sink;

import dev.edgelens.inference.event.Event;
import dev.edgelens.inference.event.EventJson;
import dev.edgelens.inference.event.EventSink;
import dev.edgelens.inference.event.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Appends every event as one JSON line to a file and rotates by size: when the next message would
 * push the file past {@code maxBytes}, {@code events.jsonl} becomes {@code events.jsonl.1} (older
 * ones shift to {@code .2} ... and the oldest beyond {@code keepFiles} is deleted), and a fresh file
 * starts. Flushed after every message, so a crash loses nothing already published. Write errors are
 * logged and the message is dropped; the next message tries again (e.g. after the disk frees up).
 */
public final class RotatingFileSink implements EventSink {

    private static final Logger LOG = LoggerFactory.getLogger(RotatingFileSink.class);

    private final Path file;
    private final long maxBytes;
    private final int keepFiles;
    private OutputStream out;
    private long size;

    /**
     * @param file      the current file (parent folders are created)
     * @param maxBytes  rotate before the file would grow past this (at least 1024)
     * @param keepFiles rotated files kept besides the current one (0 = just truncate-by-rotation)
     */
    public RotatingFileSink(Path file, long maxBytes, int keepFiles) throws IOException {
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("event file max size must be at least 1024 bytes, got " + maxBytes);
        }
        if (keepFiles < 0) {
            throw new IllegalArgumentException("event files to keep must be >= 0, got " + keepFiles);
        }
        this.file = file.toAbsolutePath();
        this.maxBytes = maxBytes;
        this.keepFiles = keepFiles;
        Path parent = this.file.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        open();
    }

    private void open() throws IOException {
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
        size = Files.size(file);
    }

    @Override
    public synchronized void publish(Message message) {
        try {
            if (out == null) {
                open();
            }
            for (Event e : message.events()) {
                byte[] line = EventJson.toBytes(e);
                if (size > 0 && size + line.length + 1 > maxBytes) {
                    rotate();
                }
                out.write(line);
                out.write('\n');
                size += line.length + 1;
            }
            out.flush();
        } catch (IOException e) {
            LOG.error("event file {}: cannot write, {} event(s) dropped: {}", file, message.events().size(),
                    e.toString());
            closeQuietly();
        }
    }

    private void rotate() throws IOException {
        out.close();
        out = null;
        if (keepFiles == 0) {
            Files.delete(file);
        } else {
            Files.deleteIfExists(numbered(keepFiles));
            for (int i = keepFiles - 1; i >= 1; i--) {
                Path from = numbered(i);
                if (Files.exists(from)) {
                    Files.move(from, numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        }
        open();
    }

    private Path numbered(int i) {
        return file.resolveSibling(file.getFileName() + "." + i);
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // already failing; the next publish reopens
            }
            out = null;
        }
    }

    /** The current file. */
    public Path file() {
        return file;
    }

    @Override
    public String name() {
        return "file:" + file;
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
