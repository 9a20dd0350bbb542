package dev.edgelens.bench.shm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import dev.edgelens.ring.Frame;
import dev.edgelens.ring.FrameRingReader;
import dev.edgelens.ring.FrameView;

/**
 * Child process of {@link ShmComparison}: consumes every frame it can from a ring and prints
 * {@code delivered <n> missed <m>} every {@value ChildProtocol#REPORT_INTERVAL_MS} ms; exits when its standard
 * input closes.
 *
 * <ul>
 *   <li>{@code view}: zero-copy view of the newest frame, a touch of three pixels bytes, then
 *       {@link FrameView#isValid()}; a frame overwritten while it was looked at counts as missed. This is the
 *       counterpart of GStreamer's {@code shmsrc ! fakesink}, which maps the frame but never reads it.</li>
 *   <li>{@code copy}: {@link FrameRingReader#readNext} copies every frame out, in order, into a private array.</li>
 * </ul>
 * When nothing is new the reader spins briefly, then parks 50 µs, so an idle reader does not take a whole core
 * from the writer on a small machine (the GStreamer reader sleeps in poll() likewise).
 *
 * <p>Usage: {@code RingReaderProcess <ring path> view|copy}
 */
public final class RingReaderProcess {
    private static final int SPINS_BEFORE_PARK = 200;
    private static final long PARK_NANOS = 50_000;

    private RingReaderProcess() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !(args[1].equals("view") || args[1].equals("copy"))) {
            System.err.println("usage: RingReaderProcess <ring path> view|copy");
            System.exit(2);
        }
        boolean view = args[1].equals("view");
        ChildProtocol.StopSignal stop = ChildProtocol.stopWhenStdinCloses();
        try (FrameRingReader reader = FrameRingReader.open(Path.of(args[0]), Duration.ofSeconds(30))) {
            Frame frame = new Frame();
            long reportEvery = ChildProtocol.REPORT_INTERVAL_MS * 1_000_000L;
            long nextReport = System.nanoTime();
            long delivered = 0;
            long torn = 0;
            int idle = 0;
            int touched = 0;
            while (!stop.requested()) {
                boolean got;
                if (view) {
                    FrameView v = reader.viewLatest();
                    got = v != null;
                    if (got) {
                        int n = v.length();
                        int sum = v.pixels().getByte(0) + v.pixels().getByte(n / 2) + v.pixels().getByte(n - 1);
                        if (v.isValid()) {
                            touched += sum;
                        } else {
                            torn++;
                            got = false;
                        }
                    }
                } else {
                    got = reader.readNext(frame);
                    if (got) {
                        touched += frame.pixels()[frame.length() - 1];
                    }
                }
                if (got) {
                    delivered++;
                    idle = 0;
                } else if (++idle < SPINS_BEFORE_PARK) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(PARK_NANOS);
                }
                long now = System.nanoTime();
                if (now - nextReport >= 0) {
                    System.out.println(ChildProtocol.deliveredLine(delivered, reader.missedFrames() + torn));
                    nextReport = now + reportEvery;
                }
            }
            // Keeps the touched bytes live so the JIT cannot drop the reads.
            System.err.println("checksum " + touched);
        }
    }
}
