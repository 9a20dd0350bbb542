package dev.edgelens.inference.iothub;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import dev.edgelens.edge.iothub.HubClients;
import dev.edgelens.edge.iothub.HubConnection;
import dev.edgelens.edge.iothub.TestBroker;
import dev.edgelens.edge.iothub.TestHub;
import dev.edgelens.edge.iothub.TestPki;
import dev.edgelens.inference.event.Event;
import dev.edgelens.inference.event.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The IoT Hub sink with the real SDK (DeviceClient over MQTT/TLS) against the test broker and hub. */
class IotHubSinkTest {

    static final String KEY = "dGVzdC1vbmx5LWtleS1ub3QtYS1zZWNyZXQtMTIzNDU2Nzg=";
    static final String CONNECTION_STRING = "HostName=127.0.0.1;DeviceId=cam-edge-1;SharedAccessKey=" + KEY;

    /** How long the broker is down in the outage test; IoT Hub outages last longer, but what matters
     * is that the SDK noticed, retried and reconnected, which 15 s shows as well as 60 s. */
    static final int OUTAGE_SECONDS = Integer.getInteger("edgelens.iothub.outageSeconds", 15);

    @TempDir
    Path tmp;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        toClose.add(c);
        return c;
    }

    static DeviceClient deviceClient() {
        return new DeviceClient(CONNECTION_STRING, IotHubClientProtocol.MQTT,
                HubClients.baseOptions().sslContext(TestPki.get().clientContext()).build());
    }

    private IotHubSink sink(int maxMessageBytes) throws Exception {
        Outbox box = Outbox.open(tmp.resolve("outbox"), 8 << 20, Outbox.FsyncPolicy.ALWAYS);
        return closing(new IotHubSink(new HubConnection(deviceClient(), "events"), box, maxMessageBytes,
                Duration.ofSeconds(1)));
    }

    @Test
    void eachEventArrivesWithTheHubsTopicSystemPropertiesRoutingPropertiesAndTheJsonBody() throws Exception {
        TestBroker broker = closing(TestBroker.started(tmp.resolve("broker")));
        TestHub hub = closing(TestHub.connect());
        IotHubSink sink = sink(4096);
        Event cls = TestEvents.classification("cam-a", 7, "tabby");
        Event hb = TestEvents.heartbeat("cam-b", 9);
        List<Event> batch = List.of(TestEvents.classification("cam-a", 8, "tabby"),
                TestEvents.classification("cam-a", 9, "Egyptian cat"));
        Message batchMsg = Message.of(batch);
        sink.publish(Message.of(cls));
        sink.publish(Message.of(hb));
        sink.publish(batchMsg);

        List<TestHub.Telemetry> got = hub.awaitTelemetry(3, Duration.ofSeconds(30));
        TestHub.Telemetry t0 = got.get(0);
        assertTrue(t0.topic().startsWith("devices/cam-edge-1/messages/events/"), t0.topic());
        assertEquals(cls.id(), t0.properties().get("$.mid"));
        assertEquals("application/json", t0.properties().get("$.ct"));
        assertEquals("utf-8", t0.properties().get("$.ce"));
        assertEquals("classification", t0.properties().get("eventType"));
        assertEquals("cam-a", t0.properties().get("cameraId"));
        assertEquals("tabby", t0.properties().get("topLabel"));
        assertEquals(Message.of(cls).toString(), t0.bodyText());

        TestHub.Telemetry t1 = got.get(1);
        assertEquals(hb.id(), t1.properties().get("$.mid"));
        assertEquals("heartbeat", t1.properties().get("eventType"));
        assertEquals("cam-b", t1.properties().get("cameraId"));
        assertEquals(hb.id(), t1.bodyJson().get("id").asText());

        TestHub.Telemetry t2 = got.get(2);
        assertEquals(batch.get(0).id(), t2.properties().get("$.mid"));
        assertEquals("2", t2.properties().get("eventCount"));
        assertEquals("Egyptian cat", t2.properties().get("topLabel"), "top label of the newest result");
        assertEquals(batchMsg.toString(), t2.bodyText());
        assertTrue(t2.bodyJson().isArray());

        assertTrue(sink.outbox().awaitEmpty(Duration.ofSeconds(10)));
        assertEquals(3, sink.stats().sent());
        assertEquals("CONNECTED", sink.stats().connection().status());
        assertTrue(broker.isRunning());
    }

    @Test
    void messagesOverTheLimitAreNeverSentAndBatchesOverItAreSplit() throws Exception {
        closing(TestBroker.started(tmp.resolve("broker")));
        TestHub hub = closing(TestHub.connect());
        IotHubSink sink = sink(600);
        List<Event> batch = List.of(TestEvents.classification("cam-a", 1, "tabby"),
                TestEvents.classification("cam-a", 2, "tabby"));
        assertTrue(Message.of(batch).size() > 600 && Message.of(batch.get(0)).size() <= 600,
                "test premise: the batch is over the limit, each event under it");
        sink.publish(Message.of(batch));
        Event big = TestEvents.heartbeat("cam-" + "x".repeat(700), 3);
        sink.publish(Message.of(big));
        sink.publish(Message.of(TestEvents.classification("cam-a", 4, "tabby")));

        List<TestHub.Telemetry> got = hub.awaitTelemetry(3, Duration.ofSeconds(30));
        assertEquals(batch.get(0).id(), got.get(0).properties().get("$.mid"));
        assertEquals(batch.get(1).id(), got.get(1).properties().get("$.mid"));
        assertTrue(sink.outbox().awaitEmpty(Duration.ofSeconds(10)));
        for (TestHub.Telemetry t : hub.telemetry()) {
            assertTrue(t.body().length <= 600);
            assertFalse(t.bodyText().contains(big.id()));
        }
        assertEquals(1, sink.stats().oversize());
    }

    @Test
    void brokerDownWhileEventsFlowThenBackEveryEventArrivesInOrderPerCamera() throws Exception {
        TestBroker broker = closing(TestBroker.started(tmp.resolve("broker")));
        // telemetry is counted at the broker (see TestBroker.accepted)
        IotHubSink sink = sink(4096);
        List<Event> published = new ArrayList<>();
        int perPhase = 40;
        // before, during and after the outage, two cameras, events interleaved
        for (int phase = 0; phase < 3; phase++) {
            for (int i = 0; i < perPhase; i++) {
                Event e = i % 5 == 4 ? TestEvents.heartbeat("cam-" + (i % 2), phase * 100L + i)
                        : TestEvents.classification("cam-" + (i % 2), phase * 100L + i, "label-" + i);
                published.add(e);
                sink.publish(Message.of(e));
                Thread.sleep(phase == 1 ? OUTAGE_SECONDS * 1000L / perPhase : 10);
            }
            if (phase == 0) {
                broker.stop();
            } else if (phase == 1) {
                assertTrue(sink.stats().outbox().pending() > 0, "events wait in the outbox while the hub is down");
                broker.start();
            }
        }
        assertTrue(sink.outbox().awaitEmpty(Duration.ofSeconds(90)), "outbox drained");
        try {
            broker.awaitAccepted(published.size(), Duration.ofSeconds(30));
        } catch (AssertionError missing) {
            Set<String> got = new HashSet<>();
            broker.accepted().forEach(t -> got.add(t.properties().get("$.mid")));
            List<String> lost = new ArrayList<>();
            for (int i = 0; i < published.size(); i++) {
                if (!got.contains(published.get(i).id())) {
                    lost.add("#" + i + " " + published.get(i).id());
                }
            }
            throw new AssertionError(missing.getMessage() + "; missing " + lost + "; sink " + sink.stats(), missing);
        }
        Map<String, Integer> seen = new HashMap<>();
        Map<String, List<String>> firstArrivalPerCamera = new LinkedHashMap<>();
        int duplicates = 0;
        for (TestHub.Telemetry t : broker.accepted()) {
            String id = t.properties().get("$.mid");
            assertEquals(id, t.bodyJson().get("id").asText(), "message id is the event id");
            if (seen.merge(id, 1, Integer::sum) > 1) {
                duplicates++;
                continue;
            }
            firstArrivalPerCamera.computeIfAbsent(t.properties().get("cameraId"), k -> new ArrayList<>()).add(id);
        }
        Map<String, List<String>> expected = new LinkedHashMap<>();
        for (Event e : published) {
            expected.computeIfAbsent(e.cameraId(), k -> new ArrayList<>()).add(e.id());
        }
        assertEquals(expected, firstArrivalPerCamera, "every event arrived, in order per camera");
        System.out.printf("outage %d s: published %d, received %d (duplicates %d), sent %d, send failures %d, "
                        + "reconnects %d%n", OUTAGE_SECONDS, published.size(), broker.accepted().size(), duplicates,
                sink.stats().sent(), sink.stats().sendFailures(), sink.connection().opens());
    }

    @Test
    void whenTheSdkGivesUpReconnectingTheSinkReopensTheClientAndNothingIsLost() throws Exception {
        TestBroker broker = closing(TestBroker.started(tmp.resolve("broker")));
        TestHub hub = closing(TestHub.connect());
        DeviceClient client = deviceClient();
        // the SDK gives up after its operation timeout (4 minutes by default): make that 2 s here
        client.setOperationTimeout(2000);
        HubConnection connection = new HubConnection(client, "events");
        IotHubSink sink = closing(new IotHubSink(connection,
                Outbox.open(tmp.resolve("outbox"), 1 << 20, Outbox.FsyncPolicy.NONE), 4096, Duration.ofSeconds(1)));
        List<String> ids = new ArrayList<>();
        Event first = TestEvents.classification("cam-a", 1, "tabby");
        ids.add(first.id());
        sink.publish(Message.of(first));
        hub.awaitTelemetry(1, Duration.ofSeconds(30));
        broker.stop();
        for (int i = 2; i <= 6; i++) {
            Event e = TestEvents.classification("cam-a", i, "tabby");
            ids.add(e.id());
            sink.publish(Message.of(e));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!(sink.stats().connection().status().equals("DISCONNECTED")) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals("DISCONNECTED", sink.stats().connection().status(), "the SDK gave up");
        Thread.sleep(2000);
        broker.start();
        broker.awaitAccepted(6, Duration.ofSeconds(60));
        assertTrue(sink.outbox().awaitEmpty(Duration.ofSeconds(30)));
        List<String> firstArrivals = new ArrayList<>();
        for (TestHub.Telemetry t : broker.accepted()) {
            if (!firstArrivals.contains(t.properties().get("$.mid"))) {
                firstArrivals.add(t.properties().get("$.mid"));
            }
        }
        assertEquals(ids, firstArrivals);
        assertTrue(connection.opens() >= 2, "re-opened after the SDK gave up: " + connection.opens());
    }

    @Test
    void throughputThroughOutboxAndSdk() throws Exception {
        closing(TestBroker.started(tmp.resolve("broker")));
        TestHub hub = closing(TestHub.connect());
        IotHubSink sink = sink(4096);
        int n = 300;
        hub.awaitTelemetry(0, Duration.ZERO);
        long t0 = System.nanoTime();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            Event e = TestEvents.classification("cam-a", i, "tabby");
            ids.add(e.id());
            sink.publish(Message.of(e));
        }
        long published = System.nanoTime();
        hub.awaitTelemetry(n, Duration.ofSeconds(120));
        long done = System.nanoTime();
        Set<String> got = new HashSet<>();
        hub.telemetry().forEach(t -> got.add(t.properties().get("$.mid")));
        assertEquals(ids, got);
        System.out.printf("throughput: %d events appended (fsync always) in %.1f ms (%.0f/s); "
                        + "all acknowledged after %.1f s (%.0f events/s end to end)%n",
                n, (published - t0) / 1e6, n / ((published - t0) / 1e9), (done - t0) / 1e9, n / ((done - t0) / 1e9));
    }

    @Test
    void theKeyNeverAppearsInLogsEvenWhenTheHubIsUnreachable() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try {
            IotHubSink sink = sink(4096); // no broker: open fails and is retried
            sink.publish(Message.of(TestEvents.classification("cam-a", 1, "tabby")));
            Thread.sleep(2500);
            assertEquals(1, sink.stats().outbox().pending());
            assertNull(sink.stats().connection().detail().contains(KEY) ? "leak" : null);
        } finally {
            root.detachAppender(logs);
        }
        assertFalse(logs.list.isEmpty());
        boolean warned = false;
        for (ILoggingEvent e : logs.list) {
            String text = e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()));
            assertFalse(text.contains(KEY), "key in log: " + text);
            assertFalse(text.contains("sig="), "SAS signature in log: " + text);
            warned |= e.getLoggerName().startsWith("dev.edgelens") && text.contains("could not open");
        }
        assertTrue(warned, "the failed open was logged");
    }
}
