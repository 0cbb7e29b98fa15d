package dev.slipway.perf.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.InvalidInputException;
import dev.slipway.perf.history.BuildContext;
import dev.slipway.perf.results.ResultsReader;
import dev.slipway.perf.results.ResultsWriter;
import dev.slipway.perf.stats.GateConfig;
import dev.slipway.perf.stats.Method;
import dev.slipway.perf.stats.Verdict;
import dev.slipway.perf.compare.CompareReport.MetricResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** perf:compare's core end to end on result files: verdicts, one-sided metrics, golden JSON and Markdown. */
class CompareRunnerTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-02-03T04:05:06Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  /** Eight runs per side: /fast unchanged, /slow 30 % slower with errors, /gone and /new on one side only. */
  static void writeScenario(Path base, Path cur) throws IOException {
    double[] wiggle = {0.99, 1.01, 1.0, 0.98, 1.02, 0.995, 1.005, 1.015};
    for (int i = 0; i < wiggle.length; i++) {
      double w = wiggle[i];
      ResultsWriter.writeRun(base, "base", Runs.run(i + 1,
          Runs.http("GET /fast", 10 * w, 500 / w, 10_000, 0),
          Runs.http("GET /slow", 20 * w, 250 / w, 5_000, 0),
          Runs.http("GET /gone", 5 * w, 100, 2_000, 0),
          Runs.bench("OrderCodec.encode", 1000 * w, 1010 * w, 990 * w)));
      ResultsWriter.writeRun(cur, "cur", Runs.run(i + 1,
          Runs.http("GET /fast", 10 * wiggle[7 - i], 500 / wiggle[7 - i], 10_000, 0),
          Runs.http("GET /slow", 26 * w, 192 / w, 5_000, 10),
          Runs.http("GET /new", 7 * w, 100, 2_000, 0),
          Runs.bench("OrderCodec.encode", 1001 * w, 1009 * w, 991 * w)));
    }
  }

  private CompareRunner.Config config(Path base, Path cur, Map<String, String> env) {
    return new CompareRunner.Config(cur, base, dir.resolve("history.jsonl"), BuildContext.DEFAULT_KEYS, Map.of(), 30,
        GateConfig.defaults(), dev.slipway.perf.compare.ErrorBudget.Limits.defaults(),
        java.util.List.of(dev.slipway.perf.stats.Verdict.FAIL), MetricSelection.defaults(), 50, 0.001, dir.resolve("out"), false, dir, env);
  }

  private CompareRunner runner(Runs.Recording log) {
    return new CompareRunner(ResultsReader.standard(log), env -> Optional.empty(), CLOCK, log);
  }

  @Test
  void regressedEndpointFailsUnchangedOnePassesAndOneSidedMetricsAreListed() throws Exception {
    Path base = dir.resolve("base");
    Path cur = dir.resolve("cur");
    writeScenario(base, cur);
    Path summary = dir.resolve("step-summary.md");
    Runs.Recording log = new Runs.Recording();
    CompareRunner.Outcome out = runner(log).run(config(base, cur,
        Map.of("GITHUB_STEP_SUMMARY", summary.toString()))).orElseThrow();
    CompareReport r = out.report();

    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(r.metrics()).filteredOn(m -> m.endpoint().equals("GET /slow"))
        .extracting(m -> m.metric() + "=" + m.verdict())
        .contains("latency.p50=FAIL", "latency.p99=FAIL", "throughput=FAIL");
    assertThat(r.metrics()).filteredOn(m -> m.endpoint().equals("GET /fast"))
        .allSatisfy(m -> assertThat(m.verdict()).isEqualTo(Verdict.PASS));
    // 0.2 % errors per run is within the 1 % budget; without a history the error rate alone cannot fail
    assertThat(r.metrics()).filteredOn(m -> m.metric().equals("errorRate") && m.endpoint().equals("GET /slow"))
        .singleElement().satisfies(m -> {
          assertThat(m.method()).isEqualTo(Method.THRESHOLDS);
          assertThat(m.verdict()).isIn(Verdict.WARN, Verdict.UNKNOWN);
        });
    assertThat(r.metrics()).filteredOn(m -> m.method() == Method.ERROR_BUDGET)
        .allSatisfy(m -> assertThat(m.verdict()).isEqualTo(Verdict.PASS));
    // JMH forks are the samples: 3 per run, 24 per side, unchanged
    assertThat(r.metrics()).filteredOn(m -> m.endpoint().equals("OrderCodec.encode")).singleElement()
        .satisfies(m -> {
          assertThat(m.baseline().runs()).isEqualTo(24);
          assertThat(m.verdict()).isEqualTo(Verdict.PASS);
          assertThat(m.direction()).isEqualTo("higher");
        });
    assertThat(r.onlyInBaseline()).contains("GET /gone / latency.p99");
    assertThat(r.onlyInCurrent()).contains("GET /new / throughput");
    assertThat(Files.readString(summary)).isEqualTo(Files.readString(out.markdown()) + "\n");
    assertThat(log.all()).contains("Performance gate: FAIL");
  }

  @Test
  void jsonAndMarkdownMatchTheGoldenFiles() throws Exception {
    Path base = dir.resolve("base");
    Path cur = dir.resolve("cur");
    writeScenario(base, cur);
    CompareRunner.Outcome out = runner(new Runs.Recording()).run(config(base, cur, Map.of())).orElseThrow();
    String json = Files.readString(out.json()).replace(dir.toString(), "<tmp>");
    String md = Files.readString(out.markdown()).replace(dir.toString(), "<tmp>");
    assertGolden("compare.json", json);
    assertGolden("compare.md", md);
  }

  static void assertGolden(String name, String actual) throws IOException {
    Path golden = Path.of("src/test/resources/golden", name);
    if (Boolean.getBoolean("slipway.updateGolden")) {
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
    }
    assertThat(actual).as("golden file %s (regenerate with -Dslipway.updateGolden=true and review the diff)",
        golden).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }

  @Test
  void reportsWrittenIntoTheResultsFolderAreNotReadAsResults() throws Exception {
    Path base = dir.resolve("base");
    Path cur = dir.resolve("cur");
    writeScenario(base, cur);
    CompareRunner.Config c = config(base, cur, Map.of());
    CompareRunner.Config intoResults = new CompareRunner.Config(c.current(), c.baseline(), c.history(),
        c.contextKeys(), c.contextLabels(), c.baselineBuilds(), c.gate(), c.budget(), c.failOn(), c.selection(), c.changePointWindow(),
        c.changePointPValue(), cur, false, dir, Map.of());
    CompareReport first = runner(new Runs.Recording()).run(intoResults).orElseThrow().report();
    assertThat(cur.resolve("compare.json")).exists();
    CompareReport second = runner(new Runs.Recording()).run(intoResults).orElseThrow().report();
    assertThat(second.current().runs()).isEqualTo(first.current().runs()).isEqualTo(8);
    assertThat(second.metrics()).isEqualTo(first.metrics());
  }

  @Test
  void singleRunsUseTheFixedThresholdsAndTheReportSaysSo() throws Exception {
    Path base = dir.resolve("b1");
    Path cur = dir.resolve("c1");
    ResultsWriter.writeRun(base, "base", Runs.run(1, Runs.http("GET /x", 10, 100, 1000, 0)));
    ResultsWriter.writeRun(cur, "cur", Runs.run(1, Runs.http("GET /x", 12.5, 100, 1000, 0)));
    CompareReport r = runner(new Runs.Recording()).run(config(base, cur, Map.of())).orElseThrow().report();
    assertThat(r.metrics()).filteredOn(m -> m.metric().equals("latency.p50")).singleElement()
        .satisfies(m -> {
          assertThat(m.method()).isEqualTo(Method.THRESHOLDS);
          assertThat(m.verdict()).isEqualTo(Verdict.FAIL);
        });
    assertThat(r.notes()).anyMatch(n -> n.contains("between-build noise is unknown: the fixed thresholds (10 % "
        + "warn, 20 % fail) decided"));
    assertThat(ReportFormat.markdown(r)).contains("no history: thresholds");
  }

  @Test
  void inputsWithNothingInCommonNameBothSides() throws Exception {
    Path base = dir.resolve("b2");
    Path cur = dir.resolve("c2");
    ResultsWriter.writeRun(base, "base", Runs.run(1, Runs.http("GET /a", 10, 100, 1000, 0)));
    ResultsWriter.writeRun(cur, "cur", Runs.run(1, Runs.http("GET /b", 10, 100, 1000, 0)));
    assertThatThrownBy(() -> runner(new Runs.Recording()).run(config(base, cur, Map.of())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(base.toString()).hasMessageContaining(cur.toString())
        .hasMessageContaining("GET /a / throughput").hasMessageContaining("no metric in common");
  }

  @Test
  void missingOrUnreadableInputsNameTheParameterAndFile() throws Exception {
    Path cur = dir.resolve("c3");
    ResultsWriter.writeRun(cur, "cur", Runs.run(1, Runs.http("GET /a", 10, 100, 1000, 0)));
    assertThatThrownBy(() -> runner(new Runs.Recording()).run(config(dir.resolve("nope"), cur, Map.of())))
        .hasMessageContaining("perf.baseline").hasMessageContaining("nope");
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"schemaVersion\": 1, \"endpoints\": [{\"name\": \"x\", \"requests\": \"many\"}]}");
    assertThatThrownBy(() -> runner(new Runs.Recording()).run(config(bad, cur, Map.of())))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining(bad.toString())
        .hasMessageContaining("/endpoints/0/requests");
  }

  @Test
  void noBaselineAndNoHistoryIsAWarningNotAFailure() throws Exception {
    Path cur = dir.resolve("c4");
    ResultsWriter.writeRun(cur, "cur", Runs.run(1, Runs.http("GET /a", 10, 100, 1000, 0)));
    Runs.Recording log = new Runs.Recording();
    CompareReport r = runner(log).run(config(null, cur, new HashMap<>())).orElseThrow().report();
    assertThat(log.all()).contains("WARN perf:compare: no baseline");
    assertThat(r.baseline().kind()).isEqualTo("none");
    assertThat(r.metrics()).allSatisfy(m -> assertThat(m.method()).isEqualTo(Method.ERROR_BUDGET));
    assertThat(r.verdict()).isEqualTo(Verdict.PASS);
  }

  @Test
  void aServerThatAnswers404ToEverythingFailsOnItsFirstBuild() throws Exception {
    Path cur = dir.resolve("c404");
    for (int i = 1; i <= 3; i++) {
      ResultsWriter.writeRun(cur, "cur", Runs.run(i, Runs.http("GET /a", 1, 1000, 5000, 5000),
          Runs.http("GET /b", 1, 1000, 5000, 0)));
    }
    CompareReport r = runner(new Runs.Recording()).run(config(null, cur, new HashMap<>())).orElseThrow().report();
    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(r.metrics()).filteredOn(m -> m.verdict() == Verdict.FAIL).extracting(MetricResult::endpoint)
        .containsExactly("GET /a");
    assertThat(r.metrics()).filteredOn(m -> m.endpoint().equals("GET /a")).singleElement()
        .satisfies(m -> assertThat(m.reason()).contains("error rate of the median run 100.00 %")
            .contains("status 15000"));
  }

  @Test
  void oneFlakyRunWarnsAndTheMedianRunDecidesTheBudget() throws Exception {
    Path cur = dir.resolve("flaky");
    for (int i = 1; i <= 5; i++) {
      ResultsWriter.writeRun(cur, "cur", Runs.run(i, Runs.http("GET /a", 1, 1000, 1000, i == 3 ? 500 : 0)));
    }
    CompareReport r = runner(new Runs.Recording()).run(config(null, cur, new HashMap<>())).orElseThrow().report();
    assertThat(r.metrics()).filteredOn(m -> m.endpoint().equals("GET /a")).singleElement().satisfies(m -> {
      assertThat(m.verdict()).isEqualTo(Verdict.WARN);
      assertThat(m.reason()).contains("run 3 50.00 %");
    });
    Map<String, Double> per = ErrorBudget.parsePerEndpoint("GET /a=0.6, GET /b*=0");
    assertThat(per).containsEntry("GET /a", 0.6).containsEntry("GET /b*", 0.0);
    assertThatThrownBy(() -> ErrorBudget.parsePerEndpoint("GET /a=lots")).hasMessageContaining("perf.maxErrorRates");
  }

  @Test
  void metricSelectionAndDirectionOverrides() {
    MetricSelection s = MetricSelection.parse("latency.p99,*score*", "score=lower");
    assertThat(s.includes("GET /a", "latency.p99")).isTrue();
    assertThat(s.includes("GET /a", "latency.p50")).isFalse();
    assertThat(s.includes("Bench", "score")).isTrue();
    assertThat(s.direction("Bench", "score", true)).isEqualTo(dev.slipway.perf.stats.Direction.LOWER_IS_BETTER);
    assertThat(MetricSelection.defaults().includes("GET /a", "latency.max")).isFalse();
    // the default Holm family is the gated metrics, not every extra a tool reports
    assertThat(MetricSelection.defaults().includes("GET /a", "latency.p90")).isFalse();
    assertThat(MetricSelection.defaults().includes("Bench", "gc.alloc.rate")).isFalse();
    assertThat(MetricSelection.defaults().includes("Bench", "score")).isTrue();
    assertThat(MetricSelection.defaults().includes("GET /a", "errorRate")).isTrue();
    assertThatThrownBy(() -> MetricSelection.parse(null, "score"))
        .hasMessageContaining("perf.directions").hasMessageContaining("higher|lower");
  }

  static List<String> lines(String s) {
    return s.lines().toList();
  }
}
