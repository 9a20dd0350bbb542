package dev.edgelens.inference.iothub;

import dev.edgelens.edge.iothub.SasVerifier;
import dev.edgelens.edge.iothub.TestBroker;
import dev.edgelens.edge.iothub.TestHub;
import dev.edgelens.edge.iothub.TestPki;
import dev.edgelens.edge.iothub.WorkloadApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sink in its own process: killed with SIGKILL while the hub is down, and configured from the
 * environment IoT Edge gives a module (EdgeHubConnectionString, or IOTEDGE_* with the workload API on
 * a unix socket). The broker checks every SAS token against the identity's key.
 */
class SinkProcessTest {

    static final String DEVICE_KEY = IotHubSinkTest.KEY;
    static final String MODULE_KEY = "bW9kdWxlLWtleS1mb3ItdGVzdHMtb25seS0wMTIzNDU2Nzg5";

    @TempDir
    Path tmp;

    private final List<Child> children = new ArrayList<>();

    /** A running sink process: its marker lines, and its whole output in a log file. */
    final class Child {
        final Process process;
        final BlockingQueue<String> markers = new LinkedBlockingQueue<>();
        final Path log;

        Child(Process p, Path log) {
            this.process = p;
            this.log = log;
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                     PrintWriter w = new PrintWriter(Files.newBufferedWriter(log))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        w.println(line);
                        if (line.startsWith("PUBLISHED ") || line.equals("DRAINED") || line.equals("OFF")) {
                            markers.add(line);
                        }
                    }
                } catch (IOException e) {
                    // process gone
                }
            }, "child-output");
            t.setDaemon(true);
            t.start();
        }

        String await(Duration timeout) throws InterruptedException {
            String m = markers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(m, "the sink process said nothing within " + timeout + "; its log: " + log);
            return m;
        }

        /** The ids it published, waiting for {@code n} of them. */
        List<String> awaitPublished(int n) throws InterruptedException {
            List<String> ids = new ArrayList<>();
            while (ids.size() < n) {
                String m = await(Duration.ofSeconds(60));
                if (m.startsWith("PUBLISHED ")) {
                    ids.add(m.split(" ")[1]);
                }
            }
            return ids;
        }
    }

    private Child start(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
                SinkProcessMain.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("IOTEDGE_") || k.startsWith("EDGELENS_IOTHUB")
                || k.equals("EdgeHubConnectionString") || k.equals("EdgeModuleCACertificateFile"));
        pb.environment().putAll(env);
        Child c = new Child(pb.start(), tmp.resolve("child-" + children.size() + ".log"));
        children.add(c);
        return c;
    }

    /** Before the broker closes: a live SDK client could otherwise reach the next test's broker. */
    @AfterEach
    void killChildren() throws Exception {
        for (Child c : children) {
            c.process.destroyForcibly();
            c.process.waitFor(10, TimeUnit.SECONDS);
        }
        children.clear();
    }

    private SasVerifier verifier() {
        return new SasVerifier(Map.of("cam-edge-1", DEVICE_KEY, "edge-1/inference", MODULE_KEY));
    }

    private static void assertNoSecretsIn(Path log) throws IOException {
        String text = Files.readString(log);
        assertFalse(text.contains(DEVICE_KEY), "device key in the process output " + log);
        assertFalse(text.contains(MODULE_KEY), "module key in the process output " + log);
        assertFalse(text.contains("sig="), "SAS signature in the process output " + log);
    }

    @Test
    void killedWithSigkillWhileTheHubIsDownThenRestartedTheOutboxIsSentFirstInOrder() throws Exception {
        SasVerifier verifier = verifier();
        TestBroker broker = new TestBroker(tmp.resolve("broker"), TestPki.get(), verifier);
        broker.start();
        try (TestHub hub = TestHub.connect()) {
            Path ca = TestPki.get().writeCaPem(tmp.resolve("ca.pem"));
            Path outbox = tmp.resolve("outbox");
            String[] args = {"--iothub-connection-string", IotHubSinkTest.CONNECTION_STRING,
                    "--iothub-ca-file", ca.toString(), "--iothub-outbox-dir", outbox.toString()};

            Child first = start(Map.of(), concat(args, "--events", "10", "--prefix", "before"));
            List<String> delivered = first.awaitPublished(10);
            assertEquals("DRAINED", first.await(Duration.ofSeconds(60)));
            hub.awaitTelemetry(10, Duration.ofSeconds(30));

            broker.stop();
            first.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            Child second = start(Map.of(), concat(args, "--events", "25", "--prefix", "outage"));
            List<String> stranded = second.awaitPublished(25);
            long files;
            try (Stream<Path> s = Files.list(outbox)) {
                files = s.filter(p -> p.toString().endsWith(".msg")).count();
            }
            assertEquals(25, files, "all events of the outage wait in the outbox");
            second.process.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
            assertEquals(137, second.process.waitFor() , "killed by SIGKILL");

            broker.start();
            Child third = start(Map.of(), concat(args, "--events", "5", "--prefix", "after"));
            List<String> fresh = third.awaitPublished(5);
            assertEquals("DRAINED", third.await(Duration.ofSeconds(90)));

            List<String> expected = new ArrayList<>(delivered);
            expected.addAll(stranded);
            expected.addAll(fresh);
            broker.awaitAccepted(expected.size(), Duration.ofSeconds(30));
            List<String> firstArrivals = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            int duplicates = 0;
            for (TestHub.Telemetry t : broker.accepted()) {
                if (seen.add(t.properties().get("$.mid"))) {
                    firstArrivals.add(t.properties().get("$.mid"));
                } else {
                    duplicates++;
                }
            }
            assertEquals(expected, firstArrivals, "the stranded events arrive, before the new ones, in order");
            assertTrue(verifier.accepted.get() >= 2 && verifier.rejected.get() == 0);
            System.out.printf("sigkill: %d stranded events recovered after restart, %d duplicates%n",
                    stranded.size(), duplicates);
            assertNoSecretsIn(first.log);
            assertNoSecretsIn(third.log);
        } finally {
            killChildren();
            broker.close();
        }
    }

    @Test
    void moduleClientFromEdgeHubConnectionStringSendsToItsOutput() throws Exception {
        SasVerifier verifier = verifier();
        TestBroker broker = new TestBroker(tmp.resolve("broker"), TestPki.get(), verifier);
        broker.start();
        try (TestHub hub = TestHub.connect()) {
            Path ca = TestPki.get().writeCaPem(tmp.resolve("edge-ca.pem"));
            Map<String, String> env = new LinkedHashMap<>();
            env.put("EdgeHubConnectionString", "HostName=127.0.0.1;GatewayHostName=127.0.0.1;DeviceId=edge-1;"
                    + "ModuleId=inference;SharedAccessKey=" + MODULE_KEY);
            env.put("EdgeModuleCACertificateFile", ca.toString());
            Child c = start(env, "--iothub-outbox-dir", tmp.resolve("outbox").toString(), "--events", "4",
                    "--exit-when-drained");
            List<String> ids = c.awaitPublished(4);
            assertEquals("DRAINED", c.await(Duration.ofSeconds(60)));
            assertModuleTelemetry(hub, ids, "events");
            assertEquals(0, verifier.rejected.get());
            assertNoSecretsIn(c.log);
        } finally {
            killChildren();
            broker.close();
        }
    }

    @Test
    void moduleClientFromIotEdgeVariablesSignsThroughTheWorkloadApiOnAUnixSocket() throws Exception {
        SasVerifier verifier = verifier();
        TestBroker broker = new TestBroker(tmp.resolve("broker"), TestPki.get(), verifier);
        broker.start();
        Path sock = Files.createTempDirectory("edgelens-wl").resolve("workload.sock"); // short path: sun_path is 108 bytes
        try (TestHub hub = TestHub.connect();
             WorkloadApiServer workload = new WorkloadApiServer(sock, "inference", "gen-42", MODULE_KEY,
                     TestPki.get().caPem())) {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("IOTEDGE_WORKLOADURI", workload.uri());
            env.put("IOTEDGE_IOTHUBHOSTNAME", "127.0.0.1");
            env.put("IOTEDGE_GATEWAYHOSTNAME", "127.0.0.1");
            env.put("IOTEDGE_DEVICEID", "edge-1");
            env.put("IOTEDGE_MODULEID", "inference");
            env.put("IOTEDGE_MODULEGENERATIONID", "gen-42");
            env.put("IOTEDGE_AUTHSCHEME", "sasToken");
            Child c = start(env, "--iothub-outbox-dir", tmp.resolve("outbox").toString(), "--events", "3",
                    "--iothub-output", "classified", "--exit-when-drained");
            List<String> ids = c.awaitPublished(3);
            assertEquals("DRAINED", c.await(Duration.ofSeconds(60)));
            assertModuleTelemetry(hub, ids, "classified");
            assertTrue(workload.trustBundleRequests.get() >= 1, "trust bundle fetched from the workload API");
            assertTrue(workload.signRequests.get() >= 1, "SAS token signed by the workload API");
            assertTrue(verifier.accepted.get() >= 1);
            assertEquals(0, verifier.rejected.get());
            assertNoSecretsIn(c.log);
        } finally {
            killChildren();
            broker.close();
            Files.deleteIfExists(sock.getParent());
        }
    }

    private static void assertModuleTelemetry(TestHub hub, List<String> ids, String output) throws Exception {
        List<TestHub.Telemetry> got = hub.awaitTelemetry(ids.size(), Duration.ofSeconds(30));
        for (int i = 0; i < ids.size(); i++) {
            TestHub.Telemetry t = got.get(i);
            assertTrue(t.topic().startsWith("devices/edge-1/modules/inference/messages/events/"), t.topic());
            assertEquals(output, t.properties().get("$.on"), "module output name");
            assertEquals(ids.get(i), t.properties().get("$.mid"));
            assertEquals("application/json", t.properties().get("$.ct"));
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
