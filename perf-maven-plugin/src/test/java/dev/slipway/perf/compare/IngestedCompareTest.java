package dev.slipway.perf.compare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import dev.slipway.common.Json;
import dev.slipway.perf.history.BuildContext;
import dev.slipway.perf.results.ResultsReader;
import dev.slipway.perf.stats.GateConfig;
import dev.slipway.perf.stats.Method;
import dev.slipway.perf.stats.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** perf:compare on files of other tools, read through perf:load's ingestion (real JMH 1.37 and Artillery output). */
class IngestedCompareTest {
  @TempDir Path dir;

  private static Path fixture(String name) throws Exception {
    return Path.of(IngestedCompareTest.class.getResource("/ingest/" + name).toURI());
  }

  private CompareReport compare(Path base, Path cur) throws Exception {
    Runs.Recording log = new Runs.Recording();
    return new CompareRunner(ResultsReader.standard(log), env -> Optional.empty(), CompareRunnerTest.CLOCK, log)
        .run(new CompareRunner.Config(cur, base, dir.resolve("h.jsonl"), BuildContext.DEFAULT_KEYS, Map.of(), 30,
            GateConfig.defaults(), dev.slipway.perf.compare.ErrorBudget.Limits.defaults(),
        java.util.List.of(dev.slipway.perf.stats.Verdict.FAIL), MetricSelection.defaults(), 50, 0.001, dir.resolve("out"), false, dir, Map.of()))
        .orElseThrow().report();
  }

  @Test
  void jmhForksAreTheSamplesAndTwoForksCanFailALargeRegression() throws Exception {
    JsonNode jmh = Json.mapper().readTree(fixture("jmh-1.37.json").toFile());
    // the throughput benchmark loses 30 % in every iteration of every fork
    for (JsonNode b : jmh) {
      if (b.path("benchmark").asText().endsWith(".parse")) {
        for (JsonNode fork : b.path("primaryMetric").path("rawData")) {
          ArrayNode it = (ArrayNode) fork;
          for (int i = 0; i < it.size(); i++) {
            it.set(i, DoubleNode.valueOf(it.get(i).asDouble() * 0.7));
          }
        }
      }
    }
    Path cur = dir.resolve("jmh-current.json");
    Files.writeString(cur, Json.mapper().writeValueAsString(jmh));
    CompareReport r = compare(fixture("jmh-1.37.json"), cur);

    assertThat(r.metrics()).filteredOn(m -> m.endpoint().contains(".parse") && m.metric().equals("score"))
        .hasSize(2).allSatisfy(m -> {
          assertThat(m.method()).isEqualTo(Method.THRESHOLDS);
          assertThat(m.baseline().runs()).isEqualTo(2);
          assertThat(m.direction()).isEqualTo("higher");
          assertThat(m.ratio()).isBetween(0.69, 0.71);
          // 2 forks against 2: no test can be significant, but 30 % is past the fail threshold. Was: UNKNOWN.
          assertThat(m.verdict()).isEqualTo(Verdict.FAIL);
        });
    assertThat(r.metrics()).filteredOn(m -> m.endpoint().contains(".hash"))
        .allSatisfy(m -> assertThat(m.verdict()).isIn(Verdict.UNKNOWN, Verdict.PASS));
  }

  @Test
  void artilleryReportsAreComparedWithTheSingleRunThresholds() throws Exception {
    CompareReport r = compare(fixture("artillery-2.0.21.json"), fixture("artillery-2.0.21.json"));
    assertThat(r.metrics()).isNotEmpty();
    assertThat(r.metrics()).filteredOn(m -> m.method() == Method.THRESHOLDS)
        .isNotEmpty().allSatisfy(m -> assertThat(m.verdict()).isEqualTo(Verdict.PASS));
    assertThat(r.notes()).anyMatch(n -> n.contains("fixed thresholds"));
    // the fixture's /missing endpoint answered 404 to all of its 60 requests: over the error budget whatever the
    // baseline says
    assertThat(r.metrics()).filteredOn(m -> m.method() == Method.ERROR_BUDGET && m.verdict() == Verdict.FAIL)
        .extracting(m -> m.endpoint()).contains("/missing");
    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
  }
}
