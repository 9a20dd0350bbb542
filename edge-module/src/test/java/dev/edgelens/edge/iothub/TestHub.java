package dev.edgelens.edge.iothub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The test's IoT Hub: an MQTT client on the broker speaking the hub's side of the device protocol.
 * It records telemetry, answers twin GET and reported-property PATCH requests from a twin it keeps,
 * sends desired-property patches and invokes direct methods.
 *
 * <p>Its session is persistent (clean session off), like the device's. Tests that restart the
 * broker count telemetry at the broker ({@link TestBroker#accepted()}) instead: a message on its way
 * to this client when the broker stops is not delivered again after the restart.
 */
public final class TestHub implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One telemetry message as the hub received it. */
    public record Telemetry(String topic, Map<String, String> properties, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode bodyJson() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("telemetry body is not JSON: " + bodyText(), e);
            }
        }
    }

    /** A direct method's answer. */
    public record MethodResult(int status, JsonNode payload) {
    }

    private final MqttClient client;
    private final ExecutorService replies = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "test-hub-replies");
        t.setDaemon(true);
        return t;
    });
    private final List<Telemetry> telemetry = new ArrayList<>();
    private final Map<String, CompletableFuture<MethodResult>> pendingMethods = new ConcurrentHashMap<>();
    private final AtomicInteger methodRid = new AtomicInteger();
    private final AtomicInteger twinGets = new AtomicInteger();
    private ObjectNode desired = JSON.createObjectNode();
    private int desiredVersion = 1;
    private ObjectNode reported = JSON.createObjectNode();
    private int reportedVersion = 1;

    private TestHub(MqttClient client) {
        this.client = client;
    }

    /** Connects to the test broker as the hub. */
    public static TestHub connect() throws MqttException {
        MqttClient c = new MqttClient("ssl://127.0.0.1:" + TestBroker.PORT, "edgelens-test-hub-" + ProcessHandle.current().pid(),
                new MemoryPersistence());
        TestHub hub = new TestHub(c);
        MqttConnectOptions o = new MqttConnectOptions();
        o.setSocketFactory(TestPki.get().clientContext().getSocketFactory());
        o.setCleanSession(false);
        o.setAutomaticReconnect(true);
        o.setMaxReconnectDelay(500);
        o.setKeepAliveInterval(5);
        o.setMaxInflight(1000);
        c.setCallback(hub.callback());
        c.connect(o);
        c.subscribe(new String[]{
                "devices/+/messages/events/#",
                "devices/+/modules/+/messages/events/#",
                "$iothub/twin/GET/#",
                "$iothub/twin/PATCH/properties/reported/#",
                "$iothub/methods/res/#"}, new int[]{1, 1, 1, 1, 1});
        return hub;
    }

    private MqttCallbackExtended callback() {
        return new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                onMessage(topic, message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        };
    }

    private void onMessage(String topic, byte[] payload) {
        if (topic.startsWith("devices/")) {
            int at = topic.indexOf("/messages/events/");
            String props = topic.substring(at + "/messages/events/".length());
            synchronized (telemetry) {
                telemetry.add(new Telemetry(topic, parseProperties(props), payload));
                telemetry.notifyAll();
            }
        } else if (topic.startsWith("$iothub/twin/GET/")) {
            String rid = query(topic).get("$rid");
            twinGets.incrementAndGet();
            replies.execute(() -> publish("$iothub/twin/res/200/?$rid=" + rid, twinDocument()));
        } else if (topic.startsWith("$iothub/twin/PATCH/properties/reported/")) {
            String rid = query(topic).get("$rid");
            int version = mergeReported(payload);
            replies.execute(() -> publish("$iothub/twin/res/204/?$rid=" + rid + "&$version=" + version, new byte[0]));
        } else if (topic.startsWith("$iothub/methods/res/")) {
            String[] parts = topic.split("/");
            int status = Integer.parseInt(parts[3]);
            String rid = query(topic).get("$rid");
            CompletableFuture<MethodResult> f = pendingMethods.remove(rid);
            if (f != null) {
                try {
                    f.complete(new MethodResult(status, payload.length == 0 ? null : JSON.readTree(payload)));
                } catch (Exception e) {
                    f.completeExceptionally(e);
                }
            }
        }
    }

    /** The property bag at the end of a telemetry topic, URL-decoded, in order. */
    static Map<String, String> parseProperties(String bag) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : bag.split("&")) {
            if (kv.isEmpty()) {
                continue;
            }
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private static Map<String, String> query(String topic) {
        int q = topic.indexOf('?');
        return parseProperties(q < 0 ? "" : topic.substring(q + 1));
    }

    private synchronized byte[] twinDocument() {
        ObjectNode doc = JSON.createObjectNode();
        ObjectNode d = desired.deepCopy();
        d.put("$version", desiredVersion);
        ObjectNode r = reported.deepCopy();
        r.put("$version", reportedVersion);
        doc.set("desired", d);
        doc.set("reported", r);
        return doc.toString().getBytes(StandardCharsets.UTF_8);
    }

    private synchronized int mergeReported(byte[] payload) {
        try {
            merge(reported, (ObjectNode) JSON.readTree(payload));
        } catch (Exception e) {
            throw new IllegalStateException("reported patch is not a JSON object", e);
        }
        notifyAll();
        return ++reportedVersion;
    }

    /** JSON merge as the twin does it: objects merge, null deletes, anything else replaces. */
    private static void merge(ObjectNode target, ObjectNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                target.remove(e.getKey());
            } else if (e.getValue().isObject() && target.get(e.getKey()) instanceof ObjectNode t) {
                merge(t, (ObjectNode) e.getValue());
            } else {
                target.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }

    private void publish(String topic, byte[] body) {
        try {
            client.publish(topic, body, 1, false);
        } catch (MqttException e) {
            throw new IllegalStateException("test hub cannot publish to " + topic, e);
        }
    }

    /** Sets desired properties before the device connects (what its twin GET will return). */
    public synchronized void setDesired(String json) throws Exception {
        desired = (ObjectNode) JSON.readTree(json);
        desiredVersion++;
    }

    /** Sends a desired-property patch to the device, as the hub does when the operator edits the twin. */
    public void sendDesiredPatch(String json) throws Exception {
        ObjectNode patch = (ObjectNode) JSON.readTree(json);
        int version;
        synchronized (this) {
            merge(desired, patch);
            version = ++desiredVersion;
        }
        patch.put("$version", version);
        publish("$iothub/twin/PATCH/properties/desired/?$version=" + version,
                patch.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Invokes a direct method and waits for the device's answer. */
    public MethodResult invokeMethod(String name, String payloadJson, Duration timeout) throws Exception {
        String rid = Integer.toString(methodRid.incrementAndGet());
        CompletableFuture<MethodResult> f = new CompletableFuture<>();
        pendingMethods.put(rid, f);
        publish("$iothub/methods/POST/" + name + "/?$rid=" + rid,
                (payloadJson == null ? "null" : payloadJson).getBytes(StandardCharsets.UTF_8));
        return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A copy of the reported properties the device has sent so far. */
    public synchronized JsonNode reported() {
        return reported.deepCopy();
    }

    /** Waits until the reported properties satisfy {@code test}; returns them, or fails after {@code timeout}. */
    public synchronized JsonNode awaitReported(Predicate<JsonNode> test, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!test.test(reported)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("reported properties never matched within " + timeout + "; last: " + reported);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return reported.deepCopy();
    }

    public int twinGets() {
        return twinGets.get();
    }

    /** All telemetry received so far, in arrival order. */
    public List<Telemetry> telemetry() {
        synchronized (telemetry) {
            return List.copyOf(telemetry);
        }
    }

    /** Waits until at least {@code count} telemetry messages arrived; fails after {@code timeout}. */
    public List<Telemetry> awaitTelemetry(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (telemetry) {
            while (telemetry.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " telemetry messages within " + timeout
                            + ", got " + telemetry.size());
                }
                TimeUnit.NANOSECONDS.timedWait(telemetry, left);
            }
            return List.copyOf(telemetry);
        }
    }

    @Override
    public void close() {
        replies.shutdownNow();
        try {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
            client.close(true);
        } catch (MqttException e) {
            // closing a test client: nothing to do
        }
    }
}
