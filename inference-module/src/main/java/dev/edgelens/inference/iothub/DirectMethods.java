package dev.edgelens.inference.iothub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodPayload;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The inference module's direct methods: {@code getStatus}, {@code setModel}
 * ({@code {"model": "name"}}), {@code snapshot} ({@code {"cameraId": "cam-1"}}). Answers 200 with a
 * JSON object, 400 with {@code {"error": ...}} for an unknown method or a bad payload or argument,
 * 500 when the program failed.
 */
public final class DirectMethods implements HubConnection.OpenListener {

    private static final Logger log = LoggerFactory.getLogger(DirectMethods.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String METHODS = "getStatus, setModel, snapshot";

    private final ModuleControl control;
    private final Supplier<Map<String, Object>> hubStatus;

    /** @param hubStatus the IoT Hub side's own status (connection, outbox), added to getStatus */
    public DirectMethods(ModuleControl control, Supplier<Map<String, Object>> hubStatus) {
        this.control = control;
        this.hubStatus = hubStatus;
    }

    @Override
    public void onOpened(InternalClient client) throws Exception {
        client.subscribeToMethods((name, payload, ctx) -> {
            Result r = invoke(name, payload == null ? null : payload.getPayloadAsJsonString());
            return new DirectMethodResponse(r.status(), JsonParser.parseString(r.json()));
        }, null);
    }

    /** A method's answer: HTTP-like status and a JSON body. */
    public record Result(int status, String json) {
    }

    /** Runs one method call; never throws. */
    public Result invoke(String name, String payloadJson) {
        try {
            JsonNode payload = payloadJson == null || payloadJson.isBlank() ? null : JSON.readTree(payloadJson);
            Map<String, Object> body = switch (name) {
                case "getStatus" -> {
                    Map<String, Object> s = new LinkedHashMap<>(control.status());
                    s.put("iothub", hubStatus.get());
                    yield s;
                }
                case "setModel" -> control.setModel(requiredText(payload, "model", "setModel", "{\"model\": \"mobilenetv2-12-int8\"}"));
                case "snapshot" -> control.snapshot(requiredText(payload, "cameraId", "snapshot", "{\"cameraId\": \"cam-1\"}"));
                default -> throw new IllegalArgumentException("unknown method '" + name + "'; expected one of " + METHODS);
            };
            log.info("direct method {}: 200", name);
            return new Result(200, JSON.writeValueAsString(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return error(name, 400, "payload of " + name + " is not JSON: " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            return error(name, 400, e.getMessage());
        } catch (Exception e) {
            return error(name, 500, name + " failed: " + Secrets.describe(e));
        }
    }

    private static String requiredText(JsonNode payload, String field, String method, String example) {
        JsonNode v = payload == null ? null : payload.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(method + " needs a payload like " + example);
        }
        return v.asText();
    }

    private static Result error(String name, int status, String message) {
        log.warn("direct method {}: {} {}", name, status, message);
        return new Result(status, JSON.createObjectNode().put("error", message).toString());
    }
}
