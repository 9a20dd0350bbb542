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
 * Usage: {@code java -cp benchmarks.jar dev.edgelens.bench.RatioRunner [--short] [--out DIR] [--name NAME]
 * [REGEX...]}. Writes {@code DIR/NAME.json} and {@code DIR/NAME.md} (defaults: benchmarks/results, results).
 * {@code --short}: 1 warm-up and 3 measurement iterations of 1 s, one fork; otherwise the iterations each
 * benchmark class declares. {@code scripts/bench.sh} runs it once per group and merges the parts with
 * {@link ResultsTable}.
 */
public final class RatioRunner {
    private RatioRunner() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Path out = Path.of("benchmarks", "results");
        String name = "results";
        ChainedOptionsBuilder options = new OptionsBuilder();
        boolean anyInclude = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--short" -> quick = true;
                case "--out" -> out = Path.of(args[++i]);
                case "--name" -> name = args[++i];
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
        if (results.isEmpty()) {
            throw new IllegalStateException("no benchmark matched " + java.util.Arrays.toString(args));
        }
        Files.writeString(out.resolve(name + ".md"), table);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve(name + ".json").toFile(), rows);
        System.out.println("wrote " + out.resolve(name + ".md") + " and " + out.resolve(name + ".json"));
    }
}
