package dev.edgelens.inference.iothub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * A durable, size-bounded, ordered queue of messages waiting for the hub's acknowledgement: one file
 * per message in a directory. A message is on disk before {@link #append} returns and its file is
 * deleted only by {@link #remove}, which the sender calls once the hub acknowledged it, so a crash
 * at any point loses nothing (at-least-once: a crash between the hub's acknowledgement and the
 * delete sends that message again, with the same message id).
 *
 * <p>Files are named by a sequence number that only grows, which gives the send order, also after a
 * restart. A file is written under a temporary name and renamed into place, so a crash mid-write
 * leaves only a {@code .tmp} file, deleted on the next open. With {@link FsyncPolicy#ALWAYS} the
 * file and the directory are forced to disk before {@link #append} returns (survives power loss);
 * with {@link FsyncPolicy#NONE} the data is in the OS page cache (survives a killed process, not a
 * power cut). Deletes are never forced: a delete lost to a power cut only means a duplicate.
 *
 * <p>Bounded by {@code maxBytes} (bytes of the files): making room drops the oldest heartbeats
 * first, then the oldest other messages, and counts every drop.
 *
 * <p>File layout: one line of JSON header ({@code v}, {@code id}, {@code heartbeat},
 * {@code properties}, {@code length}) then the body bytes.
 */
public final class Outbox implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Outbox.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUFFIX = ".msg";

    /** When appended messages reach the disk. */
    public enum FsyncPolicy {
        /** fsync the file and the directory on every append: survives power loss. */
        ALWAYS,
        /** leave it to the OS: survives a crash or kill of the process, not a power cut. */
        NONE
    }

    /** A queued message: what the sender needs to send it. */
    public record Entry(long seq, String messageId, boolean heartbeat, Map<String, String> properties,
                        byte[] body) {
    }

    /** Counters since this outbox was opened (pending values are current). */
    public record Stats(int pending, long pendingBytes, long appended, long acknowledged,
                        long droppedHeartbeats, long droppedOther, long corrupt, int recovered) {
    }

    private record Meta(long seq, boolean heartbeat, long size) {
    }

    private final Path dir;
    private final long maxBytes;
    private final FsyncPolicy fsync;
    private final TreeMap<Long, Meta> pending = new TreeMap<>();
    private final TreeSet<Long> heartbeats = new TreeSet<>();
    private long pendingBytes;
    private long nextSeq;
    private long appended;
    private long acknowledged;
    private long droppedHeartbeats;
    private long droppedOther;
    private long corrupt;
    private final int recovered;
    private boolean closed;

    private Outbox(Path dir, long maxBytes, FsyncPolicy fsync) throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.fsync = fsync;
        this.recovered = recover();
    }

    /**
     * Opens (creating if needed) the outbox in {@code dir}; messages left by an earlier run are
     * pending again, in their original order.
     */
    public static Outbox open(Path dir, long maxBytes, FsyncPolicy fsync) throws IOException {
        if (maxBytes < 4096) {
            throw new IllegalArgumentException("outbox size limit must be at least 4096 bytes, got " + maxBytes);
        }
        Files.createDirectories(dir);
        if (!Files.isWritable(dir)) {
            throw new IOException("outbox directory " + dir + " is not writable");
        }
        return new Outbox(dir, maxBytes, fsync);
    }

    private int recover() throws IOException {
        long maxSeq = 0;
        List<Path> tmp = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    tmp.add(f);
                    continue;
                }
                if (!name.endsWith(SUFFIX)) {
                    continue;
                }
                long seq;
                try {
                    seq = Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
                } catch (NumberFormatException e) {
                    continue;
                }
                maxSeq = Math.max(maxSeq, seq);
                try {
                    Entry e = readEntry(f, seq);
                    index(new Meta(seq, e.heartbeat(), Files.size(f)));
                } catch (IOException | RuntimeException e) {
                    // Only possible after a power cut with fsync NONE: keep the file for inspection.
                    corrupt++;
                    Path aside = f.resolveSibling(name + ".corrupt");
                    Files.move(f, aside, StandardCopyOption.REPLACE_EXISTING);
                    log.warn("outbox: unreadable message file {} moved to {}: {}", f, aside.getFileName(), e.toString());
                }
            }
        }
        for (Path t : tmp) {
            Files.deleteIfExists(t);
        }
        nextSeq = maxSeq + 1;
        if (!pending.isEmpty()) {
            log.info("outbox {}: {} message(s) ({} bytes) left by an earlier run will be sent first",
                    dir, pending.size(), pendingBytes);
        }
        return pending.size();
    }

    private void index(Meta m) {
        pending.put(m.seq(), m);
        if (m.heartbeat()) {
            heartbeats.add(m.seq());
        }
        pendingBytes += m.size();
    }

    private Meta unindex(long seq) {
        Meta m = pending.remove(seq);
        if (m != null) {
            heartbeats.remove(seq);
            pendingBytes -= m.size();
        }
        return m;
    }

    /**
     * Stores a message durably (per the fsync policy) and queues it for sending. Makes room by
     * dropping older messages when the outbox is full.
     *
     * @throws IllegalArgumentException if this one message is larger than the whole outbox
     * @throws IOException if it cannot be written (the message is then not queued)
     */
    public synchronized Entry append(String messageId, boolean heartbeat, Map<String, String> properties,
                                     byte[] body) throws IOException {
        if (closed) {
            throw new IllegalStateException("outbox " + dir + " is closed");
        }
        ObjectNode header = JSON.createObjectNode();
        header.put("v", 1);
        header.put("id", messageId);
        header.put("heartbeat", heartbeat);
        ObjectNode props = header.putObject("properties");
        properties.forEach(props::put);
        header.put("length", body.length);
        byte[] head = (header.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        long size = head.length + (long) body.length;
        if (size > maxBytes) {
            throw new IllegalArgumentException("message " + messageId + " (" + size
                    + " bytes) is larger than the whole outbox (" + maxBytes + " bytes)");
        }
        makeRoom(size);
        long seq = nextSeq++;
        Path tmp = dir.resolve(seq + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer[] bufs = {ByteBuffer.wrap(head), ByteBuffer.wrap(body)};
            while (bufs[1].hasRemaining()) {
                ch.write(bufs);
            }
            if (fsync == FsyncPolicy.ALWAYS) {
                ch.force(true);
            }
        }
        Files.move(tmp, file(seq), StandardCopyOption.ATOMIC_MOVE);
        if (fsync == FsyncPolicy.ALWAYS) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        }
        index(new Meta(seq, heartbeat, size));
        appended++;
        notifyAll();
        return new Entry(seq, messageId, heartbeat, Map.copyOf(properties), body);
    }

    private void makeRoom(long size) throws IOException {
        while (pendingBytes + size > maxBytes && !pending.isEmpty()) {
            Long victim = heartbeats.isEmpty() ? pending.firstKey() : heartbeats.first();
            Meta m = unindex(victim);
            Files.deleteIfExists(file(victim));
            if (m.heartbeat()) {
                droppedHeartbeats++;
            } else {
                droppedOther++;
            }
            log.warn("outbox full ({} bytes): dropped the oldest {} (#{}); dropped so far: {} heartbeats, {} other",
                    maxBytes, m.heartbeat() ? "heartbeat" : "message", victim, droppedHeartbeats, droppedOther);
        }
    }

    private Path file(long seq) {
        return dir.resolve(String.format("%020d%s", seq, SUFFIX));
    }

    private Entry readEntry(Path f, long seq) throws IOException {
        byte[] all = Files.readAllBytes(f);
        int nl = -1;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                nl = i;
                break;
            }
        }
        if (nl < 0) {
            throw new IOException("no header line");
        }
        JsonNode h = JSON.readTree(new String(all, 0, nl, StandardCharsets.UTF_8));
        int length = h.path("length").asInt(-1);
        if (h.path("v").asInt() != 1 || length != all.length - nl - 1 || !h.hasNonNull("id")) {
            throw new IOException("bad header or truncated body");
        }
        Map<String, String> props = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = h.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            props.put(p.getKey(), p.getValue().asText());
        }
        byte[] body = new byte[length];
        System.arraycopy(all, nl + 1, body, 0, length);
        return new Entry(seq, h.get("id").asText(), h.path("heartbeat").asBoolean(), props, body);
    }

    /**
     * The oldest pending message, waiting up to {@code timeout} for one; null if none arrived (or
     * the outbox was closed).
     */
    public Entry awaitOldest(Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                if (closed) {
                    return null;
                }
                while (!pending.isEmpty()) {
                    long seq = pending.firstKey();
                    try {
                        return readEntry(file(seq), seq);
                    } catch (NoSuchFileException e) {
                        // deleted behind our back (an operator cleaning up): forget it
                        unindex(seq);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    /** The hub acknowledged {@code entry}: forget it. A no-op if it was dropped meanwhile. */
    public synchronized void remove(Entry entry) throws IOException {
        if (unindex(entry.seq()) != null) {
            Files.deleteIfExists(file(entry.seq()));
            acknowledged++;
            notifyAll();
        }
    }

    /** Waits until nothing is pending; false if {@code timeout} passed first. */
    public synchronized boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!pending.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    public synchronized Stats stats() {
        return new Stats(pending.size(), pendingBytes, appended, acknowledged, droppedHeartbeats, droppedOther,
                corrupt, recovered);
    }

    public Path directory() {
        return dir;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Stops waiters; pending files stay on disk for the next run. */
    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}
