package dev.edgelens.edge.iothub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Method dispatch and desired-property conversion, without a hub (the protocol runs in the modules' tests). */
class DirectMethodsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModuleControl control = new ModuleControl() {
        @Override
        public Map<String, Object> applySettings(Map<String, String> changes) {
            return Map.of();
        }

        @Override
        public Map<String, Object> effectiveSettings() {
            return Map.of();
        }

        @Override
        public Map<String, Object> status() {
            return Map.of("state", "STREAMING", "version", "test");
        }
    };

    private DirectMethods methods() {
        Map<String, DirectMethods.Method> own = new LinkedHashMap<>();
        own.put("echo", p -> Map.of("said", DirectMethods.requiredText(p, "text", "echo", "{\"text\": \"hi\"}")));
        own.put("fail", p -> {
            throw new IllegalStateException("disk full, SharedAccessKey=abc");
        });
        return new DirectMethods(control, () -> Map.of("connection", Map.of("status", "CONNECTED")), own);
    }

    @Test
    void getStatusIsAlwaysThereWithTheHubsOwnStatus() throws Exception {
        DirectMethods.Result r = methods().invoke("getStatus", null);
        assertEquals(200, r.status());
        JsonNode body = JSON.readTree(r.json());
        assertEquals("STREAMING", body.path("state").asText());
        assertEquals("CONNECTED", body.path("iothub").path("connection").path("status").asText());
    }

    @Test
    void ownMethodsBadPayloadsUnknownMethodsAndFailuresAnswerWithTheRightStatus() throws Exception {
        DirectMethods m = methods();
        assertEquals("{\"said\":\"hi\"}", m.invoke("echo", "{\"text\": \"hi\"}").json());
        assertEquals(400, m.invoke("echo", "{\"text\": 3}").status());
        assertEquals("{\"error\":\"echo needs a payload like {\\\"text\\\": \\\"hi\\\"}\"}", m.invoke("echo", null).json());
        DirectMethods.Result notJson = m.invoke("echo", "{text");
        assertEquals(400, notJson.status());
        assertTrue(notJson.json().contains("payload of echo is not JSON"), notJson.json());
        DirectMethods.Result unknown = m.invoke("reboot", "{}");
        assertEquals(400, unknown.status());
        assertEquals("unknown method 'reboot'; expected one of getStatus, echo, fail",
                JSON.readTree(unknown.json()).path("error").asText());
        DirectMethods.Result failed = m.invoke("fail", null);
        assertEquals(500, failed.status());
        assertTrue(failed.json().contains("fail failed: IllegalStateException: disk full"), failed.json());
        assertFalse(failed.json().contains("abc"), "secret in the answer: " + failed.json());
    }

    @Test
    void desiredValuesBecomeOptionTextAndObjectsAreRefused() {
        Map<String, Object> desired = new LinkedHashMap<>();
        desired.put("$version", 4);
        desired.put("top-k", 3.0);
        desired.put("max-fps", new BigDecimal("12.50"));
        desired.put("loop", true);
        desired.put("source", "rtsp://cam/1");
        desired.put("model", null);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("top-k", "3");
        expected.put("max-fps", "12.5");
        expected.put("loop", "true");
        expected.put("source", "rtsp://cam/1");
        expected.put("model", null);
        assertEquals(expected, TwinSync.toSettings(desired));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TwinSync.toSettings(Map.of("output-size", List.of(640, 360))));
        assertEquals("desired property 'output-size': expected a single value (string, number or boolean), got an array",
                e.getMessage());
    }
}
