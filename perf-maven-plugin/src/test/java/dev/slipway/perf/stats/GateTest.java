package dev.slipway.perf.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each decision path with data whose answer is known. The findings of the review that the old gate got wrong are
 * marked "was:" with what the old code answered for the same input.
 */
class GateTest {
  private final Gate gate = new Gate(GateConfig.defaults());

  private static double[] range(double start, double step, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = start + i * step;
    }
    return v;
  }

  private static MetricInput latency(double[] base, double[] cur) {
    return MetricInput.runs("latency", Direction.LOWER_IS_BETTER, base, cur);
  }

  /** Builds whose levels wander by ±{@code spread} (a fixed pattern), each with runs ±0.5 % around the level. */
  private static List<double[]> history(int builds, int runs, double level, double spread) {
    double[] pattern = {0, 1, -1, 0.5, -0.5, 0.8, -0.8, 0.2, -0.2, 1, -1, 0.6, -0.6, 0.3, -0.3, 0.9, -0.9, 0.1, -0.1,
        0.4};
    List<double[]> h = new ArrayList<>();
    for (int b = 0; b < builds; b++) {
      double l = level * (1 + spread * pattern[b % pattern.length]);
      double[] r = new double[runs];
      for (int i = 0; i < runs; i++) {
        r[i] = l * (1 + 0.005 * (i - (runs - 1) / 2.0));
      }
      h.add(r);
    }
    return h;
  }

  private static double[] build(int runs, double level) {
    double[] r = new double[runs];
    for (int i = 0; i < runs; i++) {
      r[i] = level * (1 + 0.005 * (i - (runs - 1) / 2.0));
    }
    return r;
  }

  @Test
  void smallSamplesWithALargeRegressionFail() {
    // +50 % latency, 2 to 5 runs per side, no history. Was: 2v2-4v4 UNKNOWN (the exact test cannot reach alpha),
    // 5v5 WARN (Holm), while 1v1 failed on the fixed thresholds.
    for (int n = 1; n <= 6; n++) {
      Decision d = gate.decide(latency(range(100, 1, n), range(150, 1, n)));
      assertThat(d.verdict()).as(n + " vs " + n + ": " + d.reason()).isEqualTo(Verdict.FAIL);
      assertThat(d.method()).isEqualTo(Method.THRESHOLDS);
      assertThat(d.reason()).contains("no history of builds, so the between-build noise is unknown");
    }
    // and a throughput drop of 30 % on the same endpoint, in one family with the latency
    List<Decision> ds = gate.decide(List.of(latency(range(100, 1, 3), range(150, 1, 3)),
        MetricInput.runs("throughput", Direction.HIGHER_IS_BETTER, range(1000, 5, 3), range(700, 5, 3))));
    assertThat(ds).extracting(Decision::verdict).containsOnly(Verdict.FAIL);
  }

  @Test
  void exactlyTwentyPerCentWorseFails() {
    // 120 / 100 - 1 = 0.19999999999999996 in binary. Was: WARN.
    Decision d = gate.decide(latency(new double[] {100}, new double[] {120}));
    assertThat(d.verdict()).isEqualTo(Verdict.FAIL);
    Decision drop = gate.decide(MetricInput.runs("throughput", Direction.HIGHER_IS_BETTER, new double[] {100},
        new double[] {80}));
    assertThat(drop.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(gate.decide(latency(new double[] {100}, new double[] {119.9})).verdict()).isEqualTo(Verdict.WARN);
  }

  @Test
  void aZeroBaselineCanFail() {
    // 0 ms from a tool with ms resolution. Was: UNKNOWN ("baseline value is 0") whatever the current value.
    Decision d = gate.decide(latency(new double[] {0, 0, 0}, new double[] {3, 3, 4}));
    assertThat(d.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(d.reason()).contains("baseline 0");
    assertThat(gate.decide(latency(new double[] {0, 0}, new double[] {0, 0})).verdict()).isEqualTo(Verdict.PASS);
    // with history: builds at 0-1 ms, this build at 5 ms
    List<double[]> h = new ArrayList<>();
    for (int b = 0; b < 10; b++) {
      h.add(new double[] {0, b % 2, 0});
    }
    Decision hist = gate.decide(MetricInput.builds("latency", Direction.LOWER_IS_BETTER, h, new double[] {5, 5, 6}));
    assertThat(hist.method()).isEqualTo(Method.BUILD_T_TEST);
    assertThat(hist.verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void theBuildIsTheUnitOfReplication() {
    // Past builds wander by +-5 % although their runs agree within 0.5 %. This build is 4 % slower in every run:
    // normal for a build. Was: the runs were pooled as independent, and 5 tight runs 4 % above 30 pooled runs were
    // a "significant" regression.
    List<double[]> h = history(20, 5, 100, 0.05);
    Decision d = gate.decide(MetricInput.builds("latency", Direction.LOWER_IS_BETTER, h, build(5, 104)));
    assertThat(d.method()).isEqualTo(Method.BUILD_T_TEST);
    assertThat(d.verdict()).as(d.reason()).isEqualTo(Verdict.PASS);
    assertThat(d.betweenBuildSd()).isBetween(0.02, 0.08);
    assertThat(d.historyBuilds()).isEqualTo(20);
    double[] pooled = h.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
    Decision asRuns = gate.decide(latency(pooled, build(5, 104)));
    assertThat(asRuns.pValue()).as("the pooled rank test calls it significant").isLessThan(0.01);

    // 25 % slower is far outside what builds do: FAIL, with the interval of the ratio above 1
    Decision slow = gate.decide(MetricInput.builds("latency", Direction.LOWER_IS_BETTER, h, build(5, 125)));
    assertThat(slow.verdict()).as(slow.reason()).isEqualTo(Verdict.FAIL);
    assertThat(slow.ciLow()).isGreaterThan(1.0);
    assertThat(slow.ratio()).isBetween(slow.ciLow(), slow.ciHigh());
    assertThat(slow.reason()).contains("against 20 builds of history");
  }

  @Test
  void twoBadRunsOfThreeAreNotARegressionOfTheCode() {
    // Interference makes runs slower, never faster: a build whose best run is normal did not regress.
    List<double[]> h = history(20, 3, 100, 0.02);
    Decision d = gate.decide(MetricInput.builds("latency", Direction.LOWER_IS_BETTER, h,
        new double[] {100, 130, 131}));
    assertThat(d.verdict()).as(d.reason()).isNotEqualTo(Verdict.FAIL);
    Decision all = gate.decide(MetricInput.builds("latency", Direction.LOWER_IS_BETTER, h,
        new double[] {129, 130, 131}));
    assertThat(all.verdict()).as(all.reason()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void runsNeededAccountsForHolm() {
    // Was: the estimate used alpha itself, whatever the number of metrics that share the correction.
    Gate g = gate;
    long alone = g.runsNeededForBuild(1, Math.log1p(0.05), 0, 0, 0.05 * 0.05, 3);
    long inFamily = g.runsNeededForBuild(8, Math.log1p(0.05), 0, 0, 0.05 * 0.05, 3);
    assertThat(inFamily).isGreaterThan(alone);
    assertThat(g.runsNeededForBuild(1, Math.log1p(0.05), 0.05 * 0.05, 0, 0.01, 3))
        .as("when builds alone vary more than the effect, no number of runs helps").isZero();
    assertThat(g.runsNeeded(3, 3, 0.05, 8)).isGreaterThan(g.runsNeeded(3, 3, 0.05, 1));
  }

  @Test
  void theHolmFamilyIsWhatIsPassedAndAConfirmedRegressionSurvivesIt() {
    List<double[]> h = history(20, 3, 100, 0.02);
    List<MetricInput> family = new ArrayList<>();
    family.add(MetricInput.builds("slow", Direction.LOWER_IS_BETTER, h, build(3, 140)));
    for (int k = 0; k < 3; k++) {
      family.add(MetricInput.builds("same" + k, Direction.LOWER_IS_BETTER, h, build(3, 100)));
    }
    List<Decision> ds = gate.decide(family);
    assertThat(ds.get(0).verdict()).isEqualTo(Verdict.FAIL);
    assertThat(ds.get(0).reason()).contains("over 4 metrics");
    assertThat(ds.subList(1, 4)).extracting(Decision::verdict).containsOnly(Verdict.PASS);
  }

  @Test
  void errorRatesAreComparedPerRunNotPooled() {
    // Five runs of 10 000 requests; one flaky run with 10 % errors, the others clean. Was: errors pooled over the
    // runs and tested with Fisher's exact test: 1000/50000 vs 0/50000 failed at p ~ 1e-208.
    List<double[]> h = new ArrayList<>();
    for (int b = 0; b < 10; b++) {
      h.add(new double[] {0, 0, 0, 0, 0});
    }
    Decision flaky = gate.decide(MetricInput.errorRates("errors", h, null, new double[] {0, 0, 0.1, 0, 0}, 10_000));
    assertThat(flaky.verdict()).as(flaky.reason()).isEqualTo(Verdict.PASS);
    // every run now fails 2 % of its requests: that is a regression
    Decision broken = gate.decide(MetricInput.errorRates("errors", h, null,
        new double[] {0.02, 0.021, 0.019, 0.02, 0.022}, 10_000));
    assertThat(broken.verdict()).as(broken.reason()).isEqualTo(Verdict.FAIL);
    assertThat(broken.regression()).isCloseTo(0.02, within(1e-9));
  }

  @Test
  void significantButBelowTheMinimumEffectWarns() {
    List<double[]> h = history(20, 5, 100, 0.002);
    Decision d = gate.decide(MetricInput.builds("latency", Direction.LOWER_IS_BETTER, h, build(5, 103)));
    assertThat(d.verdict()).as(d.reason()).isEqualTo(Verdict.WARN);
    assertThat(d.reason()).contains("below the 5.0 % minimum effect");
  }

  @Test
  void aLargeChangeTheHistoryCannotConfirmIsUnknownWithWhatWouldSettleIt() {
    // builds that wander by +-30 %: 25 % worse is not significant
    List<double[]> h = history(6, 3, 100, 0.30);
    Decision d = gate.decide(MetricInput.builds("latency", Direction.LOWER_IS_BETTER, h, build(3, 125)));
    assertThat(d.verdict()).as(d.reason()).isEqualTo(Verdict.UNKNOWN);
    assertThat(d.reason()).contains("more runs cannot settle it");
  }

  @Test
  void withoutHistoryTheRankTestCanOnlyWarn() {
    // 8 % slower in every run, fully separated: significant, but below the 10 % / 20 % thresholds
    Decision d = gate.decide(latency(range(100, 0.1, 10), range(108, 0.1, 10)));
    assertThat(d.verdict()).isEqualTo(Verdict.WARN);
    assertThat(d.reason()).contains("significant by Mann-Whitney but below the fail threshold");
    assertThat(gate.decide(latency(range(100, 1, 10), range(100, 1, 10))).verdict()).isEqualTo(Verdict.PASS);
  }

  @Test
  void tooFewHistoryBuildsFallBackToTheThresholdsAndSaySo() {
    Decision d = gate.decide(MetricInput.builds("latency", Direction.LOWER_IS_BETTER, history(3, 3, 100, 0.01),
        build(3, 130)));
    assertThat(d.method()).isEqualTo(Method.THRESHOLDS);
    assertThat(d.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(d.reason()).contains("only 3 build(s) of history");
  }

  @Test
  void anImprovementPassesAndSaysSo() {
    Decision d = gate.decide(MetricInput.builds("latency", Direction.LOWER_IS_BETTER, history(20, 3, 100, 0.01),
        build(3, 70)));
    assertThat(d.verdict()).isEqualTo(Verdict.PASS);
    assertThat(d.reason()).startsWith("improved");
  }

  @Test
  void noRunsOnASideIsNotCompared() {
    Decision d = gate.decide(latency(new double[0], range(1, 1, 3)));
    assertThat(d.method()).isEqualTo(Method.NONE);
    assertThat(d.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(d.reason()).contains("baseline");
  }

  @Test
  void badSettingsNameTheProperty() {
    assertThatThrownBy(() -> GateConfig.defaults().withAlpha(0.7))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("perf.alpha");
    assertThatThrownBy(() -> GateConfig.defaults().withThresholds(0.3, 0.2))
        .hasMessageContaining("perf.failThreshold");
    assertThatThrownBy(() -> MetricInput.runs("x", Direction.LOWER_IS_BETTER, new double[] {Double.NaN},
        new double[] {1})).hasMessageContaining("x: baseline value NaN");
    assertThatThrownBy(() -> Direction.parse("sideways")).hasMessageContaining("accepted: higher, lower");
  }

  @Test
  void holmAdjustmentMatchesTheTextbookExample() {
    double[] adj = Holm.adjust(new double[] {0.01, 0.04, 0.03, 0.005});
    assertThat(adj).containsExactly(new double[] {0.03, 0.06, 0.06, 0.02}, within(1e-12));
  }

  @Test
  void robustNoiseIgnoresAnOutlierRun() {
    double[] base = {100, 101, 99, 100, 102, 98, 100, 101, 99, 500};
    assertThat(Numbers.robustLogSd(base, base)).isLessThan(0.02);
    List<double[]> h = List.of(new double[] {1, 1.01, 0.99}, new double[] {1, 1.01, 5});
    assertThat(Gate.withinVariance(h, new double[] {1, 1.01})).isLessThan(0.001);
  }
}
