package dev.edgelens.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One EdgeLens program started as a user starts it: {@code java -jar module/target/NAME.jar} with
 * its {@code lib/} folder, in its own process, standard output and error going to files. Stopped
 * with SIGTERM, as a supervisor (systemd, Docker, IoT Edge) stops it.
 */
final class Program implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path out;
    private final Path err;
    /** Kills the program if the test JVM is stopped (e.g. Ctrl-C on the build) before close() ran. */
    private final Thread killOnExit;

    private Program(String name, Process process, Path out, Path err) {
        this.name = name;
        this.process = process;
        this.out = out;
        this.err = err;
        this.killOnExit = new Thread(process::destroyForcibly, "kill-" + name);
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** The project root: the parent of this module's folder, where Maven runs the tests. */
    static Path projectRoot() {
        Path here = Path.of("").toAbsolutePath();
        Path root = here.getFileName() != null && here.getFileName().toString().equals("e2e-tests")
                ? here.getParent() : here;
        if (!Files.isRegularFile(root.resolve("pom.xml")) || !Files.isDirectory(root.resolve("capture-module"))) {
            throw new IllegalStateException("cannot find the project root from " + here
                    + " (expected the e2e-tests folder or the project root)");
        }
        return root;
    }

    /**
     * The runnable jar of a module, checked to be present (with its lib/ folder) and not older than
     * the module's compiled classes: a stale jar would test yesterday's code.
     */
    static Path jar(String module, String jarName) throws IOException {
        Path target = projectRoot().resolve(module).resolve("target");
        Path jar = target.resolve(jarName);
        if (!Files.isRegularFile(jar) || !Files.isDirectory(target.resolve("lib"))) {
            throw new IllegalStateException(jar + " (with " + target.resolve("lib") + ") is missing: the end-to-end"
                    + " tests run the packaged programs; build them with `mvn verify` (or `mvn -pl " + module
                    + " -am package -DskipTests`)");
        }
        long jarTime = Files.getLastModifiedTime(jar).toMillis();
        Path classes = target.resolve("classes");
        if (Files.isDirectory(classes)) {
            try (Stream<Path> files = Files.walk(classes)) {
                Path newer = files.filter(Files::isRegularFile).filter(f -> {
                    try {
                        return Files.getLastModifiedTime(f).toMillis() > jarTime + 2000;
                    } catch (IOException e) {
                        return false;
                    }
                }).findFirst().orElse(null);
                if (newer != null) {
                    throw new IllegalStateException(jar + " is older than " + newer + ": package the module again"
                            + " (`mvn verify` builds the jars before this module's tests)");
                }
            }
        }
        return jar;
    }

    /**
     * Starts {@code java -jar jar args} with a clean environment: no inherited EDGELENS_ or IoT Edge
     * variables, DJL tracking off, plus {@code env}.
     */
    static Program start(String name, Path jar, Path logDir, Map<String, String> env, List<String> args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(args);
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("EDGELENS_") || k.startsWith("IOTEDGE_")
                || k.equals("EdgeHubConnectionString") || k.equals("EdgeModuleCACertificateFile"));
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().putAll(env);
        return new Program(name, pb.start(), out, err);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Fails (with the program's log) if the program has exited. */
    void assertAlive() {
        if (!process.isAlive()) {
            throw new AssertionError(name + " exited early with status " + process.exitValue() + "\n" + logTail());
        }
    }

    /** SIGTERM, then waits up to {@code timeout} for the exit; returns the exit status. */
    int stop(Duration timeout) throws InterruptedException {
        process.destroy(); // SIGTERM on Linux
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(name + " did not stop within " + timeout + " of SIGTERM\n" + logTail());
        }
        return process.exitValue();
    }

    /** The last lines of its standard error and output, for failure messages. */
    String logTail() {
        return "--- " + name + " stderr (tail) ---\n" + tail(err, 40) + "--- " + name + " stdout (tail) ---\n"
                + tail(out, 10);
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")\n";
        }
    }

    /** Kills it if it still runs (the end of every test, failed or not). */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
