package dev.edgelens.bench;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * Turns JMH results into rows of "figure next to its baseline": every benchmark annotated with {@link ComparedTo}
 * is paired with its baseline of the same class and parameters, and the ratio is checked against the target.
 * For throughput the ratio is score / baseline (higher is better); for time modes it is time / baseline time.
 */
public final class RatioReport {
    /** One reported figure. Ratio, baseline and target are absent for benchmarks without a baseline. */
    public record Row(String benchmark, String params, double score, double error, String unit, String mode,
                      Double p50, Double p99, String baseline, Double baselineScore, Double ratio, String target,
                      Boolean met) {
    }

    private RatioReport() {
    }

    public static List<Row> rows(Collection<RunResult> results) {
        Map<String, RunResult> byKey = new LinkedHashMap<>();
        for (RunResult r : results) {
            byKey.put(key(r.getParams().getBenchmark(), params(r)), r);
        }
        List<Row> rows = new ArrayList<>();
        for (RunResult r : results) {
            String fullName = r.getParams().getBenchmark();
            String params = params(r);
            Result<?> primary = r.getPrimaryResult();
            String mode = r.getParams().getMode().shortLabel();
            boolean sample = "sample".equals(mode);
            Double p50 = sample ? primary.getStatistics().getPercentile(50) : null;
            Double p99 = sample ? primary.getStatistics().getPercentile(99) : null;
            ComparedTo compared = annotation(fullName);
            String baseline = null;
            Double baselineScore = null;
            Double ratio = null;
            String target = null;
            Boolean met = null;
            if (compared != null) {
                String baselineName = fullName.substring(0, fullName.lastIndexOf('.') + 1) + compared.value();
                RunResult b = byKey.get(key(baselineName, params));
                if (b != null) {
                    baseline = compared.value();
                    baselineScore = b.getPrimaryResult().getScore();
                    ratio = primary.getScore() / baselineScore;
                    target = compared.target().isEmpty() ? null : compared.target();
                    met = target == null ? null : meets(ratio, target);
                }
            }
            rows.add(new Row(simpleName(fullName), params, primary.getScore(), primary.getScoreError(),
                    primary.getScoreUnit(), mode, p50, p99, baseline, baselineScore, ratio, target, met));
        }
        return rows;
    }

    /** A Markdown table of the rows. */
    public static String markdown(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| benchmark | params | score | baseline | baseline score | ratio | target | met |\n");
        sb.append("|---|---|---:|---|---:|---:|---|---|\n");
        for (Row r : rows) {
            String score = fmt(r.score()) + (Double.isNaN(r.error()) || r.error() == 0 ? "" : " ± " + fmt(r.error()))
                    + " " + r.unit()
                    + (r.p50() != null ? " (p50 " + fmt(r.p50()) + ", p99 " + fmt(r.p99()) + ")" : "");
            sb.append("| ").append(r.benchmark()).append(" | ").append(r.params()).append(" | ").append(score)
                    .append(" | ").append(r.baseline() == null ? "" : r.baseline())
                    .append(" | ").append(r.baselineScore() == null ? "" : fmt(r.baselineScore()))
                    .append(" | ").append(r.ratio() == null ? "" : String.format(Locale.ROOT, "%.3f", r.ratio()))
                    .append(" | ").append(r.target() == null ? "" : r.target())
                    .append(" | ").append(r.met() == null ? "" : r.met() ? "met" : "NOT met").append(" |\n");
        }
        return sb.toString();
    }

    /** Whether {@code ratio} meets a target written {@code ">= x"}, {@code "<= x"}, {@code "> x"} or {@code "< x"}. */
    public static boolean meets(double ratio, String target) {
        String t = target.replace(" ", "");
        try {
            if (t.startsWith(">=")) {
                return ratio >= Double.parseDouble(t.substring(2));
            }
            if (t.startsWith("<=")) {
                return ratio <= Double.parseDouble(t.substring(2));
            }
            if (t.startsWith(">")) {
                return ratio > Double.parseDouble(t.substring(1));
            }
            if (t.startsWith("<")) {
                return ratio < Double.parseDouble(t.substring(1));
            }
        } catch (NumberFormatException e) {
            // falls through to the error naming the target
        }
        throw new IllegalArgumentException("target '" + target + "': expected '>= number', '<= number', '> number'"
                + " or '< number'");
    }

    private static ComparedTo annotation(String fullName) {
        int dot = fullName.lastIndexOf('.');
        try {
            Class<?> type = Class.forName(fullName.substring(0, dot));
            for (Method m : type.getMethods()) {
                if (m.getName().equals(fullName.substring(dot + 1))) {
                    return m.getAnnotation(ComparedTo.class);
                }
            }
            return null;
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    private static String params(RunResult r) {
        Map<String, String> sorted = new TreeMap<>();
        for (String k : r.getParams().getParamsKeys()) {
            sorted.put(k, r.getParams().getParam(k));
        }
        return sorted.isEmpty() ? "" : sorted.toString();
    }

    private static String key(String benchmark, String params) {
        return benchmark + params;
    }

    private static String simpleName(String fullName) {
        String[] parts = fullName.split("\\.");
        return parts[parts.length - 2] + "." + parts[parts.length - 1];
    }

    static String fmt(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
