package dev.edgelens.edge.iothub;

import io.moquette.broker.security.IAuthenticator;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks a connecting client's SAS token as IoT Hub does: the password must be
 * {@code SharedAccessSignature sr=..&sig=..&se=..} whose signature is the HMAC-SHA256 of
 * {@code sr + "\n" + se} under the identity's key, for the identity's resource URI. Clients without
 * a user name (the test hub itself) are let through. This proves that tokens signed by the SDK
 * (device key) or by the IoT Edge workload API (module key) are genuine.
 */
public final class SasVerifier implements IAuthenticator {

    private final Map<String, String> keysByClientId;
    public final AtomicInteger accepted = new AtomicInteger();
    public final AtomicInteger rejected = new AtomicInteger();

    /** @param keysByClientId MQTT client id ({@code device} or {@code device/module}) to base64 key */
    public SasVerifier(Map<String, String> keysByClientId) {
        this.keysByClientId = keysByClientId;
    }

    @Override
    public boolean checkValid(String clientId, String username, byte[] password) {
        if (username == null) {
            return true;
        }
        boolean ok = verify(clientId, password == null ? "" : new String(password, StandardCharsets.UTF_8));
        (ok ? accepted : rejected).incrementAndGet();
        return ok;
    }

    private boolean verify(String clientId, String token) {
        String key = keysByClientId.get(clientId);
        String prefix = "SharedAccessSignature ";
        if (key == null || !token.startsWith(prefix)) {
            return false;
        }
        String sr = null;
        String sig = null;
        String se = null;
        for (String kv : token.substring(prefix.length()).split("&")) {
            int eq = kv.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String v = kv.substring(eq + 1);
            switch (kv.substring(0, eq)) {
                case "sr" -> sr = v;
                case "sig" -> sig = URLDecoder.decode(v, StandardCharsets.UTF_8);
                case "se" -> se = v;
                default -> { }
            }
        }
        if (sr == null || sig == null || se == null) {
            return false;
        }
        String resource = URLDecoder.decode(sr, StandardCharsets.UTF_8);
        String expectedResource = "127.0.0.1/devices/" + clientId.replace("/", "/modules/");
        if (!resource.equalsIgnoreCase(expectedResource) || Long.parseLong(se) < System.currentTimeMillis() / 1000) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(key), "HmacSHA256"));
            byte[] expected = mac.doFinal((sr + "\n" + se).getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(expected, Base64.getDecoder().decode(sig));
        } catch (Exception e) {
            return false;
        }
    }
}
