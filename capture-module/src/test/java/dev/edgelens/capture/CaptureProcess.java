package dev.edgelens.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The capture program in its own JVM (the test JVM's class path; surefire is set not to hide it in a jar). */
final class CaptureProcess implements AutoCloseable {
    final Process process;
    final Path log;

    private CaptureProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static CaptureProcess start(Path dir, List<String> jvmArgs, Map<String, String> env, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(CaptureMain.class.getName());
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "capture", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("EDGELENS_"));
        pb.environment().putAll(env);
        return new CaptureProcess(pb.start(), log);
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    /** Resident set size in KiB, from /proc. */
    long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for pid " + process.pid());
    }

    /** Waits for the exit; the exit code, or null if still running after the timeout. */
    Integer awaitExit(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
