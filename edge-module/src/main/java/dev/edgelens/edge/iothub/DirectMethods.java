package dev.edgelens.edge.iothub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A module's direct methods: {@code getStatus} (the program's status plus the IoT Hub side's) for
 * every module, and the program's own methods. Answers 200 with a JSON object, 400 with
 * {@code {"error": ...}} for an unknown method or a bad payload or argument, 500 when the program
 * failed.
 */
public final class DirectMethods implements HubConnection.OpenListener {

    /** One method: takes the JSON payload (null when none), returns the answer's body. */
    @FunctionalInterface
    public interface Method {
        /**
         * @throws IllegalArgumentException bad payload or argument: answered 400 with the message
         */
        Map<String, Object> call(JsonNode payload) throws Exception;
    }

    /** A method's answer: HTTP-like status and a JSON body. */
    public record Result(int status, String json) {
    }

    private static final Logger log = LoggerFactory.getLogger(DirectMethods.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Method> methods = new LinkedHashMap<>();

    /**
     * @param hubStatus the IoT Hub side's own status (connection, outbox), added to getStatus
     * @param own       the program's methods by name, in the order they are listed in errors
     */
    public DirectMethods(ModuleControl control, Supplier<Map<String, Object>> hubStatus, Map<String, Method> own) {
        methods.put("getStatus", payload -> {
            Map<String, Object> s = new LinkedHashMap<>(control.status());
            s.put("iothub", hubStatus.get());
            return s;
        });
        methods.putAll(own);
    }

    @Override
    public void onOpened(InternalClient client) throws Exception {
        client.subscribeToMethods((name, payload, ctx) -> {
            Result r = invoke(name, payload == null ? null : payload.getPayloadAsJsonString());
            return new DirectMethodResponse(r.status(), JsonParser.parseString(r.json()));
        }, null);
    }

    /** Runs one method call; never throws. */
    public Result invoke(String name, String payloadJson) {
        try {
            JsonNode payload = payloadJson == null || payloadJson.isBlank() ? null : JSON.readTree(payloadJson);
            Method m = methods.get(name);
            if (m == null) {
                throw new IllegalArgumentException("unknown method '" + name + "'; expected one of "
                        + String.join(", ", methods.keySet()));
            }
            Map<String, Object> body = m.call(payload);
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

    /**
     * The non-blank text field {@code field} of a payload.
     *
     * @throws IllegalArgumentException "METHOD needs a payload like EXAMPLE" when it is missing
     */
    public static String requiredText(JsonNode payload, String field, String method, String example) {
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
