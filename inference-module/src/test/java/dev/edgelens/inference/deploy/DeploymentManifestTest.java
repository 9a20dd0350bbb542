package dev.edgelens.inference.deploy;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgelens.edge.iothub.HubOptions;
import dev.edgelens.edge.iothub.HubSettings;
import dev.edgelens.inference.InferenceOptions;
import dev.edgelens.inference.InferenceSettings;
import dev.edgelens.inference.iothub.IotHubOptions;
import dev.edgelens.inference.iothub.IotHubSettings;
import dev.edgelens.ring.FrameRingWriter;
import dev.edgelens.ring.PixelFormat;
import dev.edgelens.ring.RingLayout;
import dev.edgelens.ring.RingPaths;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks docker/deployment.template.json the way IoT Edge and the modules will read it: the JSON, the
 * createOptions limits, the routes, edgeHub's store-and-forward storage, the shared-memory size for the
 * configured rings, every module variable and the inference module's twin defaults against the module's
 * own option schema, and that docker/render-manifest.py turns it into what IoT Hub accepts.
 *
 * <p>IoT Edge limits used here (Azure IoT Edge design note "Extending createOptions Length" and the IoT
 * Hub twin documentation): createOptions is stored as a string in chunks of at most 512 characters
 * named createOptions, createOptions01 ... createOptions07, so at most 4096 characters in all; twin
 * documents have no arrays, keys without '.', '$' or spaces (up to 1 KB), string values up to 4 KB,
 * nesting up to 10 levels, and desired properties up to 32 KB per twin.
 */
class DeploymentManifestTest {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final int CHUNK = 512;
    private static final int MAX_CHUNKS = 8;
    private static final Pattern ROUTE = Pattern.compile(
            "FROM /messages/modules/([A-Za-z0-9_-]+)/outputs/([A-Za-z0-9_-]+)(?: WHERE .+?)? INTO \\$upstream");
    private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:([A-Z0-9_]+)(?::-[^}]*)?}");
    private static final Pattern TMPFS_SIZE = Pattern.compile("(?:^|,)size=(\\d+)([kmg]?)(?:,|$)");
    private static final Map<String, String> RENDER_ENV = Map.of(
            "EDGELENS_REGISTRY", "example.azurecr.io",
            "EDGELENS_TAG", "0.1.0",
            // quotes and backslashes must survive the substitution into a JSON string
            "EDGELENS_CAMERA_URL", "rtsp://viewer:p\"w\\d@192.0.2.10/stream1");

    private static JsonNode template;

    @BeforeAll
    static void load() throws IOException {
        template = JSON.readTree(DockerFiles.file("deployment.template.json").toFile());
    }

    @Test
    void templateIsAnIoTEdgeDeploymentOfBothModules() {
        assertEquals("1.1", agent(template).path("schemaVersion").asText(), "$edgeAgent schemaVersion");
        assertEquals("1.1", hub(template).path("schemaVersion").asText(), "$edgeHub schemaVersion");
        assertTrue(agent(template).path("systemModules").has("edgeAgent"), "systemModules.edgeAgent");
        assertTrue(agent(template).path("systemModules").has("edgeHub"), "systemModules.edgeHub");
        assertEquals(Set.of("capture", "inference"), names(modules(template)));
        for (Map.Entry<String, JsonNode> m : entries(modules(template))) {
            JsonNode module = m.getValue();
            assertEquals("docker", module.path("type").asText(), m.getKey() + ".type");
            assertEquals("running", module.path("status").asText(), m.getKey() + ".status");
            assertEquals("always", module.path("restartPolicy").asText(), m.getKey() + ".restartPolicy");
            assertFalse(module.path("settings").path("image").asText().isBlank(), m.getKey() + " image");
        }
        // capture first: the inference module waits for its ring, but there is no point starting it earlier
        assertTrue(modules(template).path("capture").path("startupOrder").asInt()
                < modules(template).path("inference").path("startupOrder").asInt(), "startupOrder");
    }

    @Test
    void everyCreateOptionsIsJsonWithinIoTEdgesSizeLimit() throws IOException {
        for (Map.Entry<String, JsonNode> m : allModules(template)) {
            JsonNode options = m.getValue().path("settings").path("createOptions");
            assertTrue(options.isObject(), m.getKey() + ": createOptions must be a JSON object in the template");
            String compact = JSON.writeValueAsString(options);
            assertEquals(options, JSON.readTree(compact), m.getKey() + ": createOptions does not survive as a string");
            assertTrue(StandardCharsets.US_ASCII.newEncoder().canEncode(compact), m.getKey() + ": createOptions not ASCII");
            assertTrue(compact.length() <= CHUNK * MAX_CHUNKS, m.getKey() + ": createOptions is " + compact.length()
                    + " characters as a string; IoT Edge takes at most " + CHUNK * MAX_CHUNKS);
        }
    }

    @Test
    void renderedManifestIsWhatIoTHubAccepts() throws Exception {
        Rendered r = render(DockerFiles.file("deployment.template.json"), RENDER_ENV);
        assertEquals(0, r.exit, "render-manifest.py failed: " + r.stderr);
        JsonNode out = JSON.readTree(r.stdout);
        assertFalse(out.has("$schema-template"), "template-only key left in the output");
        assertFalse(r.stdout.contains("${"), "unresolved placeholder in the output");
        assertEquals("rtsp://viewer:p\"w\\d@192.0.2.10/stream1",
                modules(out).path("capture").path("env").path("EDGELENS_SOURCE").path("value").asText());
        assertEquals("example.azurecr.io/edgelens-inference:0.1.0",
                modules(out).path("inference").path("settings").path("image").asText());
        for (Map.Entry<String, JsonNode> m : allModules(out)) {
            JsonNode original = findModule(template, m.getKey()).path("settings").path("createOptions");
            String joined = joinChunks(m.getKey(), m.getValue().path("settings"));
            assertEquals(original, JSON.readTree(joined), m.getKey() + ": chunks do not rebuild the createOptions");
        }
        for (Map.Entry<String, JsonNode> twin : entries(out.path("modulesContent"))) {
            JsonNode desired = twin.getValue().path("properties.desired");
            assertTrue(desired.isObject(), twin.getKey() + ": no properties.desired");
            checkTwinDocument(twin.getKey(), desired, 1);
            int bytes = JSON.writeValueAsBytes(desired).length;
            assertTrue(bytes <= 32 * 1024, twin.getKey() + ": desired properties are " + bytes + " bytes, over 32 KB");
        }
    }

    @Test
    void renderScriptChunksLongCreateOptionsAndRefusesTooLongOnes(@TempDir Path dir) throws Exception {
        ObjectNode longer = template.deepCopy();
        ObjectNode options = (ObjectNode) findModule(longer, "capture").path("settings").path("createOptions");
        ArrayNode env = options.putArray("Env");
        for (int i = 0; i < 40; i++) {
            env.add(String.format("PADDING_%02d=%s", i, "x".repeat(20)));
        }
        Path t1 = dir.resolve("long.json");
        JSON.writeValue(t1.toFile(), longer);
        Rendered r = render(t1, RENDER_ENV);
        assertEquals(0, r.exit, r.stderr);
        JsonNode settings = findModule(JSON.readTree(r.stdout), "capture").path("settings");
        assertTrue(settings.has("createOptions02"), "expected at least three chunks: " + settings);
        assertEquals(options, JSON.readTree(joinChunks("capture", settings)));

        for (int i = 40; i < 200; i++) {
            env.add(String.format("PADDING_%03d=%s", i, "x".repeat(20)));
        }
        Path t2 = dir.resolve("too-long.json");
        JSON.writeValue(t2.toFile(), longer);
        Rendered tooLong = render(t2, RENDER_ENV);
        assertEquals(1, tooLong.exit);
        assertTrue(tooLong.stderr.contains("module capture") && tooLong.stderr.contains("at most 4096"), tooLong.stderr);

        Map<String, String> partial = new LinkedHashMap<>(RENDER_ENV);
        partial.remove("EDGELENS_TAG");
        Rendered missing = render(DockerFiles.file("deployment.template.json"), partial);
        assertEquals(1, missing.exit);
        assertTrue(missing.stderr.contains("EDGELENS_TAG"), missing.stderr);
    }

    @Test
    void routesSendTheInferenceModulesEventsOutputUpstream() throws Exception {
        Map<String, Set<String>> outputs = Map.of("inference", Set.of(iotHubSettings().outputName()));
        JsonNode routes = hub(template).path("routes");
        assertFalse(routes.isEmpty(), "no routes");
        boolean inferenceUpstream = false;
        for (Map.Entry<String, JsonNode> route : entries(routes)) {
            JsonNode spec = route.getValue();
            String text = spec.isTextual() ? spec.asText() : spec.path("route").asText();
            Matcher m = ROUTE.matcher(text);
            assertTrue(m.matches(), route.getKey() + ": '" + text
                    + "' is not FROM /messages/modules/<module>/outputs/<output> INTO $upstream");
            assertTrue(modules(template).has(m.group(1)), route.getKey() + ": no module named " + m.group(1));
            Set<String> known = outputs.get(m.group(1));
            assertNotNull(known, route.getKey() + ": module " + m.group(1) + " sends no messages");
            assertTrue(known.contains(m.group(2)), route.getKey() + ": module " + m.group(1) + " has no output '"
                    + m.group(2) + "', only " + known);
            if (spec.isObject()) {
                int priority = spec.path("priority").asInt(-1);
                assertTrue(priority >= 0 && priority <= 9, route.getKey() + ": priority 0..9");
                assertTrue(spec.path("timeToLiveSecs").asLong() > 0, route.getKey() + ": timeToLiveSecs");
            }
            inferenceUpstream |= m.group(1).equals("inference");
        }
        assertTrue(inferenceUpstream, "no route takes the inference module's events upstream");
    }

    @Test
    void edgeHubStoresAndForwardsOnPersistentStorage() {
        long ttl = hub(template).path("storeAndForwardConfiguration").path("timeToLiveSecs").asLong();
        assertTrue(ttl >= 3600, "store-and-forward timeToLiveSecs " + ttl + ": at least an hour of outage expected");
        JsonNode edgeHub = agent(template).path("systemModules").path("edgeHub");
        String storage = edgeHub.path("env").path("storageFolder").path("value").asText();
        assertFalse(storage.isBlank(), "edgeHub env storageFolder not set: its store lives in the container and dies with it");
        boolean bound = false;
        for (JsonNode bind : edgeHub.path("settings").path("createOptions").path("HostConfig").path("Binds")) {
            String[] parts = bind.asText().split(":");
            bound |= parts.length >= 2 && parts[0].startsWith("/") && parts[1].equals(storage);
        }
        assertTrue(bound, "no host folder bound to edgeHub's storageFolder " + storage);
    }

    @Test
    void sharedMemoryVolumeHoldsTheConfiguredRingsTwice() throws IOException {
        JsonNode captureMount = shmMount("capture");
        JsonNode inferenceMount = shmMount("inference");
        assertEquals(captureMount, inferenceMount, "capture and inference must mount the same /dev/shm volume, same options");
        assertEquals(RingPaths.DEFAULT_DIRECTORY.toString(), captureMount.path("Target").asText());
        String options = captureMount.path("VolumeOptions").path("DriverConfig").path("Options").path("o").asText();

        Map<String, String> capture = env("capture");
        assertFalse(capture.containsKey("EDGELENS_RING"), "EDGELENS_RING moves the ring out of the shared /dev/shm");
        String size = capture.get("EDGELENS_OUTPUT_SIZE");
        assertNotNull(size, "capture: set EDGELENS_OUTPUT_SIZE, or the camera's resolution decides the ring size");
        String[] wh = size.split("x");
        String slots = capture.get("EDGELENS_RING_SLOTS");
        assertNotNull(slots, "capture: set EDGELENS_RING_SLOTS so the ring size is fixed by the manifest");
        PixelFormat format = PixelFormat.valueOf(capture.getOrDefault("EDGELENS_PIXEL_FORMAT", "BGR24"));
        long ring = RingLayout.fileLength(Integer.parseInt(slots),
                FrameRingWriter.slotCapacityFor(Integer.parseInt(wh[0]), Integer.parseInt(wh[1]), format));
        // While the capture module restarts, its new ring exists beside the old one until readers let go.
        long needed = 2 * ring + (1 << 20);
        long tmpfs = tmpfsBytes(options);
        assertTrue(tmpfs >= needed, "shared memory volume of " + tmpfs + " bytes; the ring is " + ring
                + " bytes, twice that plus 1 MiB is " + needed);

        // The ring is created 0660 by the capture user; the tmpfs must let it, and the inference user's group, in.
        Matcher captureUser = useradd("capture.Dockerfile");
        Matcher inferenceUser = useradd("inference.Dockerfile");
        assertEquals(captureUser.group(2), inferenceUser.group(2), "both images must share the ring's group");
        assertTrue(options.contains("uid=" + captureUser.group(1)) && options.contains("gid=" + captureUser.group(2))
                && options.contains("mode=0770"), "tmpfs options " + options + " vs users " + captureUser.group()
                + " / " + inferenceUser.group());

        // Every camera the inference module reads is one a capture module writes, at the default ring path.
        Set<String> captured = Set.of(capture.get("EDGELENS_CAMERA_ID"));
        for (String camera : env("inference").get("EDGELENS_CAMERAS").split(",")) {
            assertFalse(camera.contains("="), "inference camera " + camera + ": use the default ring path");
            assertTrue(captured.contains(camera.strip()), "inference reads camera " + camera + " that no module captures");
        }
    }

    @Test
    void moduleVariablesAreOptionsTheModulesKnow() throws IOException {
        Set<String> inferenceVars = new TreeSet<>(envOptions(InferenceOptions.class).keySet());
        inferenceVars.addAll(envOptions(IotHubOptions.class).keySet());
        inferenceVars.addAll(envOptions(HubOptions.class).keySet());
        for (String name : env("inference").keySet()) {
            assertTrue(!name.startsWith("EDGELENS_") || inferenceVars.contains(name),
                    "inference: " + name + " is not an option of the inference module; known: " + inferenceVars);
        }
        assertEquals("true", env("inference").get("OPT_OUT_TRACKING"), "DJL must be kept from calling home");
        for (String dockerfile : List.of("inference.Dockerfile", "inference-jetson.Dockerfile")) {
            assertTrue(Files.readString(DockerFiles.file(dockerfile)).contains("OPT_OUT_TRACKING=true"), dockerfile);
        }
        // The capture module is not on this module's class path: read its option schema's variable names.
        Path captureOptions = DockerFiles.dir().resolveSibling("capture-module")
                .resolve("src/main/java/dev/edgelens/capture/CaptureOptions.java");
        Set<String> captureVars = new TreeSet<>();
        Matcher m = ENV_DEFAULT.matcher(Files.readString(captureOptions));
        while (m.find()) {
            captureVars.add(m.group(1));
        }
        assertTrue(captureVars.contains("EDGELENS_SOURCE"), "unexpected " + captureOptions);
        for (String name : env("capture").keySet()) {
            assertTrue(captureVars.contains(name), "capture: " + name + " is not an option of the capture module; known: "
                    + captureVars);
        }
        // The capture twin's desired properties are capture options that apply live (see CaptureControl).
        Set<String> captureOptionNames = new TreeSet<>();
        Matcher o = Pattern.compile("names = \"--([a-z-]+)\"").matcher(Files.readString(captureOptions));
        while (o.find()) {
            captureOptionNames.add(o.group(1));
        }
        JsonNode captureDesired = template.path("modulesContent").path("capture").path("properties.desired");
        assertFalse(captureDesired.isEmpty(), "no twin defaults for the capture module");
        for (Map.Entry<String, JsonNode> e : entries(captureDesired)) {
            assertTrue(captureOptionNames.contains(e.getKey()), "capture twin: " + e.getKey() + " is not a capture option");
            assertFalse(List.of("camera-id", "ring", "ring-slots", "pixel-format").contains(e.getKey()),
                    "capture twin: " + e.getKey() + " needs a restart");
        }
    }

    @Test
    void inferenceSettingsAndTwinDefaultsValidateWithTheModulesOwnSchema() throws Exception {
        JsonNode desired = template.path("modulesContent").path("inference").path("properties.desired");
        assertFalse(desired.isEmpty(), "no twin defaults for the inference module");
        Map<String, String> twin = twinValues(desired);

        InferenceSettings settings = InferenceSettings.parse(args(env("inference"), twin));
        assertEquals(Integer.parseInt(twin.get("top-k")), settings.policy().topK());
        assertEquals(Double.parseDouble(twin.get("min-confidence")), settings.policy().minConfidence());
        assertEquals(Integer.parseInt(twin.get("hysteresis-frames")), settings.policy().hysteresisFrames());
        assertEquals(Set.of("cam1"), settings.cameras().keySet());
        assertEquals(RingPaths.defaultPath("cam1"), settings.cameras().get("cam1"));
        assertEquals(HubSettings.Mode.EDGE, settings.iothub().hub().mode());
        assertEquals(Path.of(env("inference").get("EDGELENS_IOTHUB_OUTBOX_DIR")), settings.iothub().outboxDir());

        // the same path rejects what the module would reject
        Map<String, String> badValue = new LinkedHashMap<>(twin);
        badValue.put("top-k", "0");
        InferenceSettings.SettingsException e = assertThrows(InferenceSettings.SettingsException.class,
                () -> InferenceSettings.parse(args(env("inference"), badValue)));
        assertTrue(e.getMessage().contains("--top-k"), e.getMessage());
        Map<String, String> unknown = new LinkedHashMap<>(twin);
        unknown.put("treshold", "0.5");
        assertThrows(InferenceSettings.SettingsException.class, () -> InferenceSettings.parse(args(env("inference"), unknown)));

        // the health check must not call a module with a long twin heartbeat unhealthy
        long maxAgeSeconds = healthMaxAgeSeconds(env("inference"));
        assertTrue(settings.policy().heartbeatMillis() / 1000 < maxAgeSeconds, "twin heartbeat "
                + settings.policy().heartbeatMillis() + " ms vs health check limit " + maxAgeSeconds + " s");
    }

    // ---- manifest navigation

    private static JsonNode agent(JsonNode manifest) {
        return manifest.path("modulesContent").path("$edgeAgent").path("properties.desired");
    }

    private static JsonNode hub(JsonNode manifest) {
        return manifest.path("modulesContent").path("$edgeHub").path("properties.desired");
    }

    private static JsonNode modules(JsonNode manifest) {
        return agent(manifest).path("modules");
    }

    private static List<Map.Entry<String, JsonNode>> allModules(JsonNode manifest) {
        List<Map.Entry<String, JsonNode>> all = new ArrayList<>(entries(agent(manifest).path("systemModules")));
        all.addAll(entries(modules(manifest)));
        return all;
    }

    private static JsonNode findModule(JsonNode manifest, String name) {
        JsonNode m = modules(manifest).path(name);
        return m.isMissingNode() ? agent(manifest).path("systemModules").path(name) : m;
    }

    private static List<Map.Entry<String, JsonNode>> entries(JsonNode object) {
        List<Map.Entry<String, JsonNode>> list = new ArrayList<>();
        list.addAll(object.properties());
        return list;
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.properties().forEach(e -> names.add(e.getKey()));
        return names;
    }

    private static Map<String, String> env(String module) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : entries(modules(template).path(module).path("env"))) {
            assertTrue(e.getValue().path("value").isValueNode(), module + " env " + e.getKey() + ": {\"value\": ...}");
            env.put(e.getKey(), e.getValue().path("value").asText());
        }
        return env;
    }

    private static JsonNode shmMount(String module) {
        for (JsonNode mount : modules(template).path(module).path("settings").path("createOptions")
                .path("HostConfig").path("Mounts")) {
            if (mount.path("Target").asText().equals(RingPaths.DEFAULT_DIRECTORY.toString())) {
                assertEquals("volume", mount.path("Type").asText(), module + ": /dev/shm mount type");
                assertEquals("tmpfs", mount.path("VolumeOptions").path("DriverConfig").path("Options").path("type").asText(),
                        module + ": /dev/shm must be memory (tmpfs)");
                return mount;
            }
        }
        return fail(module + ": no volume mounted at /dev/shm");
    }

    private static long tmpfsBytes(String options) {
        Matcher m = TMPFS_SIZE.matcher(options);
        assertTrue(m.find(), "tmpfs options without size=: " + options);
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "k" -> n << 10;
            case "m" -> n << 20;
            case "g" -> n << 30;
            default -> n;
        };
    }

    private static Matcher useradd(String dockerfile) throws IOException {
        Matcher m = Pattern.compile("useradd --uid (\\d+) --gid (\\d+)").matcher(Files.readString(DockerFiles.file(dockerfile)));
        assertTrue(m.find(), dockerfile + ": no 'useradd --uid N --gid G'");
        return m;
    }

    // ---- the modules' option schema

    /** Environment variable -> long option name, from the {@code ${env:NAME...}} defaults of an option class. */
    private static Map<String, String> envOptions(Class<?> optionClass) {
        Map<String, String> map = new LinkedHashMap<>();
        for (Field f : optionClass.getDeclaredFields()) {
            Option option = f.getAnnotation(Option.class);
            if (option == null) {
                continue;
            }
            Matcher m = ENV_DEFAULT.matcher(option.defaultValue());
            if (m.find()) {
                map.put(m.group(1), option.names()[0]);
            }
        }
        assertFalse(map.isEmpty(), optionClass + " has no options with environment variables");
        return map;
    }

    /** The manifest's variables and twin values as the module's command-line arguments (IoT Hub ones too). */
    private static String[] args(Map<String, String> env, Map<String, String> twin) {
        Map<String, String> options = new LinkedHashMap<>(envOptions(InferenceOptions.class));
        options.putAll(envOptions(IotHubOptions.class));
        options.putAll(envOptions(HubOptions.class));
        List<String> args = new ArrayList<>();
        env.forEach((name, value) -> {
            if (options.containsKey(name)) {
                args.add(options.get(name) + "=" + value);
            }
        });
        twin.forEach((name, value) -> args.add("--" + name + "=" + value));
        return args.toArray(String[]::new);
    }

    private static IotHubSettings iotHubSettings() throws InferenceSettings.SettingsException {
        return InferenceSettings.parse(args(env("inference"), Map.of())).iothub();
    }

    /**
     * Desired properties as option values, the way the module twin hands them over: strings as they
     * are, booleans as true/false, numbers in plain notation (3, not 3.0).
     */
    private static Map<String, String> twinValues(JsonNode desired) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : entries(desired)) {
            JsonNode v = e.getValue();
            assertTrue(v.isValueNode() && !v.isNull(), "twin " + e.getKey() + ": expected a single value, got " + v);
            String text = v.isNumber() ? plain(v.decimalValue()) : v.asText();
            values.put(e.getKey(), text);
        }
        return values;
    }

    private static String plain(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return s.scale() <= 0 ? s.toBigInteger().toString() : s.toPlainString();
    }

    private static long healthMaxAgeSeconds(Map<String, String> env) {
        if (env.containsKey("EDGELENS_HEALTH_MAX_AGE")) {
            return Long.parseLong(env.get("EDGELENS_HEALTH_MAX_AGE"));
        }
        String heartbeat = env.getOrDefault("EDGELENS_HEARTBEAT", "60s");
        Matcher m = Pattern.compile("(\\d+)s").matcher(heartbeat);
        assertTrue(m.matches(), "EDGELENS_HEARTBEAT " + heartbeat + ": this test reads whole seconds only");
        return 2 * Long.parseLong(m.group(1)) + 30;  // docker/healthcheck.sh's rule
    }

    // ---- twin document rules

    private static void checkTwinDocument(String path, JsonNode node, int depth) {
        assertTrue(depth <= 10, path + ": nested deeper than 10 levels");
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String key = e.getKey();
            String where = path + "." + key;
            assertTrue(!key.isEmpty() && key.getBytes(StandardCharsets.UTF_8).length <= 1024
                    && !key.matches(".*[.$ \\p{Cntrl}].*"), where + ": not a valid twin key");
            JsonNode v = e.getValue();
            assertFalse(v.isArray(), where + ": twins have no arrays");
            if (v.isTextual()) {
                assertTrue(v.asText().getBytes(StandardCharsets.UTF_8).length <= 4096, where + ": string over 4 KB");
            } else if (v.isObject()) {
                checkTwinDocument(where, v, depth + 1);
            }
        }
    }

    private static String joinChunks(String module, JsonNode settings) {
        StringBuilder joined = new StringBuilder();
        int chunks = 0;
        for (Map.Entry<String, JsonNode> e : entries(settings)) {
            if (e.getKey().startsWith("createOptions")) {
                chunks++;
            }
        }
        assertTrue(chunks >= 1 && chunks <= MAX_CHUNKS, module + ": " + chunks + " createOptions chunks");
        for (int i = 0; i < chunks; i++) {
            String key = i == 0 ? "createOptions" : String.format("createOptions%02d", i);
            JsonNode chunk = settings.path(key);
            assertTrue(chunk.isTextual(), module + ": " + key + " missing or not a string (chunks must be contiguous)");
            assertTrue(chunk.asText().length() <= CHUNK, module + ": " + key + " longer than " + CHUNK);
            joined.append(chunk.asText());
        }
        return joined.toString();
    }

    // ---- docker/render-manifest.py

    private record Rendered(int exit, String stdout, String stderr) {
    }

    private static Rendered render(Path template, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("python3", DockerFiles.file("render-manifest.py").toString(), template.toString());
        pb.environment().keySet().removeIf(k -> k.startsWith("EDGELENS_"));
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("python3 is needed to run docker/render-manifest.py: " + e.getMessage(), e);
        }
        p.getOutputStream().close();
        var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("render-manifest.py did not finish within 60 s");
        }
        return new Rendered(p.exitValue(), out.get(), err.get());
    }

    private static String readAll(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
