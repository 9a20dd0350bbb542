package dev.edgelens.edge.iothub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * A machine-wide lock on the test broker's fixed ports (8883, 443), so that two builds running the
 * IoT Hub tests at once take turns instead of connecting to each other's broker. A file lock in the
 * temp directory: released by the OS if the holding process dies.
 */
public final class PortLock implements AutoCloseable {

    private static final Path FILE = Path.of(System.getProperty("java.io.tmpdir"), "edgelens-iothub-test-ports.lock");
    private static final Duration MAX_WAIT = Duration.ofMinutes(10);

    private final FileChannel channel;
    private final FileLock lock;

    private PortLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static PortLock acquire() {
        try {
            FileChannel ch = FileChannel.open(FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long deadline = System.nanoTime() + MAX_WAIT.toNanos();
            while (true) {
                FileLock l = ch.tryLock();
                if (l != null) {
                    return new PortLock(ch, l);
                }
                if (System.nanoTime() > deadline) {
                    ch.close();
                    throw new IllegalStateException("another process held " + FILE + " (the IoT Hub test ports) for "
                            + MAX_WAIT);
                }
                Thread.sleep(200);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + FILE, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + FILE, e);
        }
    }

    /** Waits (up to the same limit) until nothing listens on 127.0.0.1:{@code port}. */
    public static void awaitFree(int port) {
        long deadline = System.nanoTime() + MAX_WAIT.toNanos();
        while (true) {
            try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
                return;
            } catch (IOException busy) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("127.0.0.1:" + port + " stayed busy for " + MAX_WAIT, busy);
                }
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for port " + port, e);
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the lock goes with the channel anyway
        }
    }
}
