package dev.edgelens.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsTableTest {

    @Test
    void targetsAreParsedWithAllFourComparisons() {
        assertTrue(RatioReport.meets(0.9, ">= 0.9"));
        assertFalse(RatioReport.meets(0.89, ">=0.9"));
        assertTrue(RatioReport.meets(1.05, "<= 1.05"));
        assertTrue(RatioReport.meets(1.049, "< 1.05"));
        assertFalse(RatioReport.meets(1.05, "< 1.05"));
        assertFalse(RatioReport.meets(1.0, "> 1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RatioReport.meets(1, "~1"));
        assertTrue(e.getMessage().contains("'~1'"), e.getMessage());
    }

    @Test
    void mergesPartsInOrderAndListsMissingPartsAsFailedSteps(@TempDir Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        RatioReport.Row met = new RatioReport.Row("a.fast", "", 2.0, 0, "ops/s", "thrpt", null, null, "slow", 1.0,
                2.0, ">= 1.5", true);
        RatioReport.Row notMet = new RatioReport.Row("b.lat", "cameras=1", 30, 0, "ms", "sample", 30.0, 90.0, "bound",
                20.0, 1.5, "<= 1", false);
        json.writeValue(dir.resolve("a.json").toFile(), List.of(met));
        RatioReport.Row pre = new RatioReport.Row("PreprocessBenchmark.fused", "", 1200, 50, "us/op", "avgt", null,
                null, "straightforward", 4000.0, 0.3, null, null);
        json.writeValue(dir.resolve("b.json").toFile(), List.of(notMet, pre));
        Path out = dir.resolve("out");

        ResultsTable.main(new String[] {"--out", out.toString(), "--mode", "short", "--command", "bench --short",
                "a=" + dir.resolve("a.json"), "gone=" + dir.resolve("missing.json"), "b=" + dir.resolve("b.json")});

        JsonNode r = json.readTree(out.resolve("results.json").toFile());
        assertEquals("short", r.path("mode").asText());
        assertEquals(4, r.path("rows").size());
        JsonNode goal = r.path("rows").path(3);
        assertEquals("1 ms goal", goal.path("baseline").asText());
        assertEquals(1.2, goal.path("ratio").asDouble(), 1e-9);
        assertFalse(goal.path("met").asBoolean());
        assertEquals("a.fast", r.path("rows").path(0).path("benchmark").asText());
        assertEquals("b.lat", r.path("rows").path(1).path("benchmark").asText());
        assertEquals("gone", r.path("failedSteps").path(0).asText());
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("| a.fast |  | 2.00 ops/s | slow | 1.00 | 2.000 | >= 1.5 | met |"), md);
        assertTrue(md.contains("| NOT met |"), md);
        assertTrue(md.contains("Targets: 1 met, 2 NOT met. Steps that FAILED (no figures; see their log): gone."), md);
    }
}
