package dev.edgelens.e2e;

import dev.edgelens.capture.RtspServer;
import dev.edgelens.edge.iothub.SasVerifier;
import dev.edgelens.edge.iothub.TestBroker;
import dev.edgelens.edge.iothub.TestHub;
import dev.edgelens.edge.iothub.TestPki;
import dev.edgelens.ring.Frame;
import dev.edgelens.ring.FrameRingReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The whole system for one test, deployed as a user deploys it: the GStreamer RTSP server playing
 * a video (the camera), the capture program and the inference program as separate processes sharing
 * a frame ring, the inference program's IoT Hub sink (the real device SDK, a device connection
 * string, the test CA) talking to a TLS MQTT broker that stands in for IoT Hub, and a hub-side
 * subscriber. {@link #close()} tears everything down, whatever state a failed test left it in.
 */
final class Pipeline implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final String camera;
    private final String deviceId;
    private final String deviceKey;
    private final Path ring;
    private final Path captureJar;
    private final Path inferenceJar;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private SasVerifier verifier;
    private TestHub hub;
    private RtspServer rtsp;
    private Program capture;
    private Program inference;
    private long framesPublished;
    private final String name;
    private final long startNanos = System.nanoTime();

    Pipeline(Path dir, String name) throws IOException {
        // First: without current jars nothing else is worth starting.
        this.captureJar = Program.jar("capture-module", "capture-module.jar");
        this.inferenceJar = Program.jar("inference-module", "edgelens-inference.jar");
        this.dir = dir;
        this.name = name;
        this.camera = "e2e-" + name;
        this.deviceId = "edgelens-e2e-" + name;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.deviceKey = Base64.getEncoder().encodeToString(key);
        // /dev/shm as deployed; unique per test JVM so parallel builds never share a ring.
        Path shm = Path.of("/dev/shm");
        Path ringDir = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : dir;
        this.ring = ringDir.resolve("edgelens-" + camera + "-" + ProcessHandle.current().pid() + ".ring");
        resources.push(() -> Files.deleteIfExists(ring));
        ring.toFile().deleteOnExit(); // also if the test JVM is stopped before close()
    }

    /** The hub: a fresh broker (checking every SAS token against the device key) and the subscriber. */
    void startHub() throws Exception {
        verifier = new SasVerifier(Map.of(deviceId, deviceKey));
        Files.createDirectories(dir.resolve("broker"));
        TestBroker broker = new TestBroker(dir.resolve("broker"), TestPki.get(), verifier);
        resources.push(broker);
        broker.start();
        hub = TestHub.connect();
        resources.push(hub);
        progress("broker and hub up");
    }

    /** The camera: the RTSP server playing {@code video} in a loop at its frame rate. */
    void startCamera(SceneVideo video) throws IOException {
        rtsp = RtspServer.h264(video.h264(), "--fps", Integer.toString(video.fps()));
        resources.push(rtsp);
    }

    /**
     * The inference program on the camera's ring, with the models in {@code modelsDir}, sending to
     * the hub; returns once its model-changed event reached the hub (model loaded, hub connected).
     */
    void startInference(Path modelsDir, List<String> policyOptions) throws Exception {
        Path ca = TestPki.get().writeCaPem(dir.resolve("test-ca.pem"));
        List<String> args = new ArrayList<>(List.of("--camera=" + camera + "=" + ring, "--models-dir=" + modelsDir,
                "--iothub-mode=device", "--iothub-ca-file=" + ca, "--iothub-outbox-dir=" + dir.resolve("outbox")));
        args.addAll(policyOptions);
        // The connection string is a secret: through the environment, as docs/configuration.md advises.
        inference = Program.start("inference", inferenceJar, dir,
                Map.of("EDGELENS_IOTHUB_CONNECTION_STRING",
                        "HostName=127.0.0.1;DeviceId=" + deviceId + ";SharedAccessKey=" + deviceKey), args);
        resources.push(inference);
        awaitHub(e -> !e.ofType("model-changed").isEmpty(), START_TIMEOUT, "the inference program's model-changed event");
        progress("inference ready (model loaded, hub connected)");
    }

    /** The capture program on the camera's RTSP URL, writing the ring. */
    void startCapture() throws IOException {
        capture = Program.start("capture", captureJar, dir, Map.of(),
                List.of("--camera-id=" + camera, "--source=" + rtsp.url(), "--ring=" + ring));
        resources.push(capture);
    }

    /** The test hub (twin and direct methods of the inference program). */
    TestHub hub() {
        return hub;
    }

    /** What the hub received so far. */
    HubEvents received() {
        return new HubEvents(hub.telemetry());
    }

    /**
     * Polls until {@code done} holds for what the hub received and {@code frames} frames went through
     * the ring, failing if a program exits or {@code timeout} passes (a guard against hangs, not a
     * time limit the system must meet). {@code stillPossible} fails fast when the events can no
     * longer turn out as expected. Returns the last frame sequence seen in the ring.
     */
    long awaitFramesAndEvents(long frames, Predicate<HubEvents> done, Predicate<HubEvents> stillPossible,
                              Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Frame frame = new Frame();
        FrameRingReader reader = null;
        long sequence = 0;
        try {
            while (true) {
                inference.assertAlive();
                capture.assertAlive();
                if (reader == null && Files.exists(ring)) {
                    reader = FrameRingReader.open(ring, Duration.ofSeconds(5));
                }
                if (reader != null && reader.readLatest(frame)) {
                    sequence = frame.sequence();
                }
                HubEvents now = received();
                if (!stillPossible.test(now)) {
                    return sequence;
                }
                if (sequence >= frames && done.test(now)) {
                    return sequence;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("after " + timeout + ": " + sequence + " frames in the ring (waiting for "
                            + frames + "); events at the hub:\n" + now.timeline() + capture.logTail() + inference.logTail());
                }
                Thread.sleep(200);
            }
        } finally {
            if (reader != null) {
                reader.close();
            }
        }
    }

    /**
     * SIGTERM to the capture program; returns its exit status once the hub saw the ring closed.
     * Records the frames it published first ({@link #framesPublished()}).
     */
    int stopCapture() throws Exception {
        try (FrameRingReader reader = FrameRingReader.open(ring, Duration.ofSeconds(5))) {
            Frame frame = new Frame();
            if (reader.readLatest(frame)) {
                framesPublished = frame.sequence();
            }
        }
        progress(framesPublished + " frames through the ring; stopping capture");
        int status = capture.stop(STOP_TIMEOUT);
        awaitHub(HubEvents::captureStopped, STOP_TIMEOUT, "the source-state event for the stopped capture");
        progress("capture stopped");
        return status;
    }

    /** SIGTERM to the inference program; its exit status. */
    int stopInference() throws InterruptedException {
        int status = inference.stop(STOP_TIMEOUT);
        progress("inference stopped");
        return status;
    }

    /** A progress line on the test's output, with the seconds since this pipeline was made. */
    void progress(String what) {
        System.out.printf("[e2e %s] %5.1f s: %s%n", name, (System.nanoTime() - startNanos) / 1e9, what);
    }

    /** The newest frame sequence in the ring just before the capture program was stopped. */
    long framesPublished() {
        return framesPublished;
    }

    int sasAccepted() {
        return verifier.accepted.get();
    }

    int sasRejected() {
        return verifier.rejected.get();
    }

    String logs() {
        return (capture != null ? capture.logTail() : "") + (inference != null ? inference.logTail() : "");
    }

    private void awaitHub(Predicate<HubEvents> test, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!test.test(received())) {
            if (inference != null) {
                inference.assertAlive();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the hub did not receive " + what + " within " + timeout + "; received:\n"
                        + received().timeline() + logs());
            }
            Thread.sleep(200);
        }
    }

    /** Stops the programs (killing them if need be), the hub, the broker and the RTSP server; deletes the ring. */
    @Override
    public void close() throws Exception {
        Exception first = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
