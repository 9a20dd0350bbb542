package dev.edgelens.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks whose names match a pattern and prints each figure next to its baseline as a ratio.
 * Usage: {@code java -cp benchmarks.jar dev.edgelens.bench.RatioRunner [--short] [--out DIR] [REGEX...]}.
 * Writes {@code DIR/results.json} and {@code DIR/results.md} (default DIR: benchmarks/results).
 */
public final class RatioRunner {
    private RatioRunner() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Path out = Path.of("benchmarks", "results");
        ChainedOptionsBuilder options = new OptionsBuilder();
        boolean anyInclude = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--short" -> quick = true;
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    options.include(args[i]);
                    anyInclude = true;
                }
            }
        }
        if (!anyInclude) {
            options.include("dev\\.edgelens\\.bench\\..*");
        }
        if (quick) {
            options.warmupIterations(1).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(3).measurementTime(TimeValue.seconds(1)).forks(1);
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        List<RatioReport.Row> rows = RatioReport.rows(results);
        String table = RatioReport.markdown(rows);
        System.out.println();
        System.out.println(table);
        Files.createDirectories(out);
        Files.writeString(out.resolve("results.md"), table);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("results.json").toFile(), rows);
        System.out.println("wrote " + out.resolve("results.md") + " and " + out.resolve("results.json"));
    }
}
