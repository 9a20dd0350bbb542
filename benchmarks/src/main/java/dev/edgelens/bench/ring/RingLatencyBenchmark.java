package dev.edgelens.bench.ring;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.*;

import dev.edgelens.ring.FrameRingReader;
import dev.edgelens.ring.FrameRingWriter;
import dev.edgelens.ring.FrameView;
import dev.edgelens.ring.PixelFormat;

/**
 * Publish-to-visible latency: the benchmark thread publishes a frame and waits until a reader spinning on
 * another thread has seen it (zero-copy view, validated) and acknowledged it. The figure is therefore an upper
 * bound: publish + visibility + one cache-line round trip for the acknowledgement. A 64-byte frame shows the
 * protocol's own cost; 1080p adds the copy into the slot.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RingLatencyBenchmark {
    @Param({"64", "6220800"})
    public int frameBytes;

    private ByteBuffer source;
    private Path dir;
    private FrameRingWriter writer;
    private Thread readerThread;
    private volatile boolean running;
    private volatile long seen;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        source = ByteBuffer.allocateDirect(frameBytes);
        dir = Files.createTempDirectory(Path.of(Files.isWritable(Path.of("/dev/shm")) ? "/dev/shm" : "/tmp"), "bench");
        Path path = dir.resolve("latency.ring");
        writer = FrameRingWriter.create(path, 16, frameBytes, "bench");
        FrameRingReader reader = FrameRingReader.open(path, Duration.ZERO);
        running = true;
        readerThread = new Thread(() -> {
            try (reader) {
                while (running) {
                    FrameView v = reader.viewLatest();
                    if (v != null && v.isValid()) {
                        seen = v.sequence();
                    }
                }
            }
        }, "ring-reader");
        readerThread.setDaemon(true);
        readerThread.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        running = false;
        readerThread.join();
        writer.close();
        Files.deleteIfExists(dir.resolve("latency.ring"));
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public long publishToVisible() {
        long seq = writer.publish(source, frameBytes, frameBytes, 1, PixelFormat.GRAY8, 0, 0, System.nanoTime());
        while (seen != seq) {
            Thread.onSpinWait();
        }
        return seq;
    }
}
