package dev.edgelens.bench.ring;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

import dev.edgelens.bench.ComparedTo;
import dev.edgelens.ring.Frame;
import dev.edgelens.ring.FrameRingReader;
import dev.edgelens.ring.FrameRingWriter;
import dev.edgelens.ring.FrameView;
import dev.edgelens.ring.PixelFormat;
import dev.edgelens.ring.RingLayout;

/**
 * Frames per second through the ring (publish + consume) against a plain copy of the same bytes over the same
 * working set. The baseline copies the source frame into one of {@code SLOTS} off-heap buffers in turn, exactly
 * the memory the ring touches: a baseline that reuses one hot destination stays in cache and is not comparable.
 *
 * <ul>
 *   <li>{@code copyBaseline} vs {@code ringZeroCopy}: publish + zero-copy view of the newest frame + validation.</li>
 *   <li>{@code copyTwiceBaseline} vs {@code ringCopyOut}: publish + copy-out read into a private array, against
 *       a copy into the working set followed by a copy out of it.</li>
 * </ul>
 * Both sides run on one thread, so the ratio isolates the ring's own overhead from scheduling.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RingThroughputBenchmark {
    /** A ring of 16 slots (the capture module defaults to 8; more slots only make the working set larger). */
    static final int SLOTS = 16;

    @Param({"1280x720", "1920x1080"})
    public String size;

    private int width;
    private int height;
    private int length;
    private ByteBuffer source;
    private UnsafeBuffer[] workingSet;
    private byte[] out;
    private int next;
    private Path dir;
    private FrameRingWriter writer;
    private FrameRingReader reader;
    private final Frame frame = new Frame();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        String[] wh = size.split("x");
        width = Integer.parseInt(wh[0]);
        height = Integer.parseInt(wh[1]);
        length = width * height * 3;
        source = ByteBuffer.allocateDirect(length);
        for (int i = 0; i < length; i++) {
            source.put(i, (byte) (i * 31));
        }
        workingSet = new UnsafeBuffer[SLOTS];
        for (int i = 0; i < SLOTS; i++) {
            workingSet[i] = new UnsafeBuffer(BufferUtil.allocateDirectAligned(RingLayout.slotLength(length), 4096));
        }
        out = new byte[length];
        dir = Files.createTempDirectory(Path.of(Files.isWritable(Path.of("/dev/shm")) ? "/dev/shm" : "/tmp"), "bench");
        Path path = dir.resolve("bench.ring");
        writer = FrameRingWriter.create(path, SLOTS, length, "bench");
        reader = FrameRingReader.open(path, Duration.ZERO);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        reader.close();
        writer.close();
        Files.deleteIfExists(dir.resolve("bench.ring"));
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public int copyBaseline() {
        UnsafeBuffer dst = workingSet[next];
        next = (next + 1) % SLOTS;
        dst.putBytes(RingLayout.SLOT_HEADER_LENGTH, source, 0, length);
        return dst.getByte(RingLayout.SLOT_HEADER_LENGTH + length - 1);
    }

    @Benchmark
    @ComparedTo(value = "copyBaseline", target = ">= 0.9")
    public boolean ringZeroCopy(Blackhole bh) {
        long now = System.nanoTime();
        writer.publish(source, width * 3, width, height, PixelFormat.BGR24, 0, 0, now);
        FrameView view = reader.viewLatest();
        bh.consume(view.pixels().getByte(length - 1));
        return view.isValid();
    }

    @Benchmark
    public byte copyTwiceBaseline() {
        UnsafeBuffer dst = workingSet[next];
        next = (next + 1) % SLOTS;
        dst.putBytes(RingLayout.SLOT_HEADER_LENGTH, source, 0, length);
        dst.getBytes(RingLayout.SLOT_HEADER_LENGTH, out, 0, length);
        return out[length - 1];
    }

    @Benchmark
    @ComparedTo(value = "copyTwiceBaseline", target = ">= 0.9")
    public byte ringCopyOut() {
        writer.publish(source, width * 3, width, height, PixelFormat.BGR24, 0, 0, System.nanoTime());
        reader.readLatest(frame);
        return frame.pixels()[length - 1];
    }
}
