package dev.edgelens.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Merges the parts one benchmark run wrote (each a JSON list of {@link RatioReport.Row}: JMH groups from
 * {@link RatioRunner}, the shm comparison, live-stream CPU, end to end, soak) into one results file and one
 * Markdown table, with the machine, date, mode and command on top. A part that is missing (its step failed)
 * becomes a row saying so, so a failed step can never look like a met target.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.edgelens.bench.ResultsTable --out DIR --mode MODE --command CMD
 * LABEL=PART.json ...}; writes {@code DIR/results.json} and {@code DIR/results.md}.
 */
public final class ResultsTable {
    private ResultsTable() {
    }

    /**
     * Goals on a score itself rather than on a ratio to a baseline, keyed by benchmark name; each adds a row with
     * the score over the goal as its ratio (e.g. preprocessing 1080p -> 224 NCHW in at most 1 ms).
     */
    private static final Map<String, Goal> ABSOLUTE_GOALS = Map.of(
            "PreprocessBenchmark.fused", new Goal("us/op", 1000, "1 ms goal"));

    private record Goal(String unit, double value, String name) {
    }

    /** Everything one run produced. */
    public record Results(String date, String mode, String command, Map<String, String> machine,
                          List<String> failedSteps, List<RatioReport.Row> rows) {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of("benchmarks", "results");
        String mode = "";
        String command = "";
        Map<String, Path> parts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--mode" -> mode = args[++i];
                case "--command" -> command = args[++i];
                default -> {
                    int eq = args[i].indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("'" + args[i] + "': expected LABEL=PART.json, --out DIR,"
                                + " --mode MODE or --command CMD");
                    }
                    parts.put(args[i].substring(0, eq), Path.of(args[i].substring(eq + 1)));
                }
            }
        }
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        List<RatioReport.Row> rows = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (Map.Entry<String, Path> part : parts.entrySet()) {
            if (Files.isRegularFile(part.getValue())) {
                for (RatioReport.Row row : json.readValue(part.getValue().toFile(),
                        new TypeReference<List<RatioReport.Row>>() { })) {
                    rows.add(row);
                    Goal goal = ABSOLUTE_GOALS.get(row.benchmark());
                    if (goal != null && goal.unit().equals(row.unit())) {
                        double ratio = row.score() / goal.value();
                        rows.add(new RatioReport.Row(row.benchmark(), row.params(), row.score(), row.error(),
                                row.unit(), row.mode(), row.p50(), row.p99(), goal.name(), goal.value(), ratio,
                                "<= 1", RatioReport.meets(ratio, "<= 1")));
                    }
                }
            } else {
                failed.add(part.getKey());
            }
        }
        Results results = new Results(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), mode, command,
                machine(), failed, rows);
        Files.createDirectories(out);
        json.writeValue(out.resolve("results.json").toFile(), results);
        Files.writeString(out.resolve("results.md"), markdown(results));
        System.out.println(markdown(results));
        System.out.println("wrote " + out.resolve("results.json") + " and " + out.resolve("results.md"));
    }

    static String markdown(Results r) {
        StringBuilder sb = new StringBuilder();
        sb.append("Date: ").append(r.date()).append(", mode: ").append(r.mode()).append(", command: `")
                .append(r.command()).append("`\n\n");
        sb.append("Machine: ").append(r.machine().get("cpu")).append(", ").append(r.machine().get("cores"))
                .append(" cores, ").append(r.machine().get("memory")).append(", ").append(r.machine().get("os"))
                .append(", Java ").append(r.machine().get("java")).append(", load average at the end ")
                .append(r.machine().get("loadavg")).append("\n\n");
        sb.append(RatioReport.markdown(r.rows()));
        int met = 0;
        int notMet = 0;
        for (RatioReport.Row row : r.rows()) {
            if (row.met() != null) {
                if (row.met()) {
                    met++;
                } else {
                    notMet++;
                }
            }
        }
        sb.append("\nTargets: ").append(met).append(" met, ").append(notMet).append(" NOT met.");
        if (!r.failedSteps().isEmpty()) {
            sb.append(" Steps that FAILED (no figures; see their log): ").append(String.join(", ", r.failedSteps()))
                    .append('.');
        }
        sb.append('\n');
        return sb.toString();
    }

    private static Map<String, String> machine() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cpu", firstMatch(Path.of("/proc/cpuinfo"), "model name"));
        m.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        String mem = firstMatch(Path.of("/proc/meminfo"), "MemTotal");
        try {
            mem = Math.round(Long.parseLong(mem.replace("kB", "").strip()) / 1048576.0) + " GiB";
        } catch (NumberFormatException e) {
            // keep /proc's text
        }
        m.put("memory", mem);
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        try {
            m.put("host", InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            m.put("host", "?");
        }
        try {
            String[] load = Files.readString(Path.of("/proc/loadavg")).split(" ");
            m.put("loadavg", load[0] + " " + load[1] + " " + load[2]);
        } catch (IOException e) {
            m.put("loadavg", "?");
        }
        return m;
    }

    private static String firstMatch(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            // not Linux: unknown
        }
        return "?";
    }
}
