package dev.slipway.perf.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each decision path with data whose answer is known in closed form. */
class GateTest {
  private final Gate gate = new Gate(GateConfig.defaults());

  private static double[] range(double start, double step, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = start + i * step;
    }
    return v;
  }

  private static MetricInput.Samples latency(double[] base, double[] cur) {
    return new MetricInput.Samples("latency", Direction.LOWER_IS_BETTER, base, cur);
  }

  /** 1 / C(n+m, n): the exact one-sided p-value when every current run is worse than every baseline run. */
  private static double separatedP(int n, int m) {
    return Math.exp(-Numbers.logChoose(n + m, n));
  }

  @Test
  void fullySeparatedLargeRegressionFails() {
    Decision d = gate.decide(latency(range(100, 1, 10), range(120, 1, 10)));
    assertThat(d.method()).isEqualTo(Method.MANN_WHITNEY_U);
    assertThat(d.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(d.pValue()).isCloseTo(1.0 / 184_756, within(1e-12));
    assertThat(d.ratio()).isCloseTo(124.5 / 104.5, within(1e-12));
    assertThat(d.regression()).isCloseTo(124.5 / 104.5 - 1, within(1e-12));
    assertThat(d.ciLow()).isGreaterThan(1.0);
    assertThat(d.ciLow()).isLessThanOrEqualTo(d.ratio());
    assertThat(d.ciHigh()).isGreaterThanOrEqualTo(d.ratio());
    assertThat(d.runsNeeded()).isNull();
  }

  @Test
  void higherIsBetterFailsOnADrop() {
    Decision d = gate.decide(new MetricInput.Samples("throughput", Direction.HIGHER_IS_BETTER,
        range(1000, 1, 10), range(800, 1, 10)));
    assertThat(d.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(d.pValue()).isCloseTo(1.0 / 184_756, within(1e-12));
    assertThat(d.regression()).isCloseTo(1 - 804.5 / 1004.5, within(1e-12));
  }

  @Test
  void significantButBelowTheMinimumEffectWarns() {
    Decision d = gate.decide(latency(range(100, 0.1, 10), range(102, 0.1, 10)));
    assertThat(d.pValue()).isCloseTo(1.0 / 184_756, within(1e-12));
    assertThat(d.regression()).isCloseTo(102.45 / 100.45 - 1, within(1e-12)).isLessThan(0.05);
    assertThat(d.verdict()).isEqualTo(Verdict.WARN);
    assertThat(d.reason()).contains("below the 5.0 % minimum effect");
  }

  @Test
  void holmCorrectionTurnsALoneSignificantMetricIntoAWarning() {
    // 5 vs 5 fully separated: p = 1/252 ≈ 0.00397 < 0.01, but Holm over 7 metrics needs p ≤ 0.01/7
    List<MetricInput> inputs = new ArrayList<>();
    inputs.add(latency(range(100, 1, 5), range(130, 1, 5)));
    for (int k = 0; k < 6; k++) {
      inputs.add(new MetricInput.Samples("same" + k, Direction.LOWER_IS_BETTER, range(100, 1, 5),
          range(100, 1, 5)));
    }
    List<Decision> ds = gate.decide(inputs);
    Decision d = ds.get(0);
    assertThat(d.pValue()).isCloseTo(1.0 / 252, within(1e-12));
    assertThat(d.adjustedPValue()).isCloseTo(7.0 / 252, within(1e-12));
    assertThat(d.verdict()).isEqualTo(Verdict.WARN);
    assertThat(d.reason()).contains("not after Holm correction over 7 metrics");
    // 7 runs against 5: 1/C(12,7) = 1/792 <= 0.01/7, the first n for which a clear shift can survive Holm
    assertThat(d.runsNeeded()).isEqualTo(7L);
    // alone, the same metric fails
    assertThat(gate.decide(inputs.get(0)).verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void tooFewRunsToReachSignificanceIsUnknownWithRunsNeeded() {
    // 4 vs 4: the smallest possible p is 1/C(8,4) = 1/70 > 0.01
    Decision d = gate.decide(latency(range(100, 1, 4), range(150, 1, 4)));
    assertThat(d.pValue()).isCloseTo(1.0 / 70, within(1e-12));
    assertThat(d.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(d.runsNeeded()).isGreaterThanOrEqualTo(5L);
    // the runs it asks for can reach significance against 4 baseline runs: C(n+4, n) >= 100
    assertThat(Numbers.logChoose(d.runsNeeded().intValue() + 4, d.runsNeeded().intValue()))
        .isGreaterThanOrEqualTo(Math.log(100));
  }

  @Test
  void largeButInsignificantChangeIsUnknown() {
    double[] base = {80, 90, 100, 110, 120, 85, 95, 105, 115, 125};
    double[] cur = {88, 99, 110, 121, 132, 93.5, 104.5, 115.5, 126.5, 137.5}; // every run ×1.1
    Decision d = gate.decide(latency(base, cur));
    assertThat(d.ratio()).isCloseTo(1.1, within(1e-12));
    assertThat(d.pValue()).isGreaterThan(0.01);
    assertThat(d.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(d.runsNeeded()).isGreaterThan(10L);
    assertThat(d.reason()).contains("not significant");
  }

  @Test
  void identicalRunsPass() {
    Decision d = gate.decide(latency(range(100, 1, 10), range(100, 1, 10)));
    assertThat(d.verdict()).isEqualTo(Verdict.PASS);
    assertThat(d.ratio()).isEqualTo(1.0);
    assertThat(d.pValue()).isGreaterThan(0.4);
  }

  @Test
  void aClearImprovementPassesAndSaysSo() {
    Decision d = gate.decide(latency(range(100, 1, 10), range(70, 1, 10)));
    assertThat(d.verdict()).isEqualTo(Verdict.PASS);
    assertThat(d.reason()).startsWith("improved");
    assertThat(d.pValue()).isEqualTo(1.0);
  }

  @Test
  void oneRunPerSideUsesTheFixedThresholdsAndSaysSo() {
    Decision fail = gate.decide(latency(new double[] {100}, new double[] {125}));
    Decision warn = gate.decide(latency(new double[] {100}, new double[] {115}));
    Decision pass = gate.decide(latency(new double[] {100}, new double[] {105}));
    Decision drop = gate.decide(new MetricInput.Samples("throughput", Direction.HIGHER_IS_BETTER,
        new double[] {100}, new double[] {85}));
    assertThat(List.of(fail.verdict(), warn.verdict(), pass.verdict(), drop.verdict()))
        .containsExactly(Verdict.FAIL, Verdict.WARN, Verdict.PASS, Verdict.WARN);
    assertThat(fail.method()).isEqualTo(Method.FIXED_THRESHOLDS);
    assertThat(fail.pValue()).isNull();
    assertThat(fail.reason()).contains("fixed thresholds 10.0 % warn / 20.0 % fail");
  }

  @Test
  void zeroToZeroIsNoChangeAndZeroToSomethingCannotBeRated() {
    Decision same = gate.decide(latency(new double[] {0}, new double[] {0}));
    assertThat(same.verdict()).isEqualTo(Verdict.PASS);
    assertThat(same.ratio()).isEqualTo(1.0);
    Decision fromZero = gate.decide(latency(new double[] {0}, new double[] {3}));
    assertThat(fromZero.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(fromZero.ratio()).isNull();
    assertThat(fromZero.reason()).contains("baseline value is 0");
  }

  @Test
  void fixedThresholdsAreConfigurable() {
    Gate strict = new Gate(new GateConfig(0.01, 0.05, 0.02, 0.04, 0.001, 0.8, 0, 0.95, 1));
    assertThat(strict.decide(latency(new double[] {100}, new double[] {105})).verdict()).isEqualTo(Verdict.FAIL);
    assertThat(strict.decide(latency(new double[] {100}, new double[] {103})).verdict()).isEqualTo(Verdict.WARN);
  }

  @Test
  void errorCountsUseFishersExactTest() {
    // 0 of 1000 errors before, 20 of 1000 now: one-sided p = C(1000,20)/C(2000,20)
    Decision d = gate.decide(new MetricInput.Counts("errors", 0, 1000, 5, 20, 1000, 5));
    double expected = 1;
    for (int i = 0; i < 20; i++) {
      expected *= (1000.0 - i) / (2000.0 - i);
    }
    assertThat(d.method()).isEqualTo(Method.FISHER_EXACT);
    assertThat(d.pValue()).isCloseTo(expected, within(expected * 1e-9));
    assertThat(d.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(d.regression()).isCloseTo(0.02, within(1e-12));
    assertThat(d.ciLow()).isGreaterThan(0);
    assertThat(d.ciHigh()).isLessThan(0.04);
  }

  @Test
  void equalErrorCountsPassAndASingleErrorIsNotARegression() {
    assertThat(gate.decide(new MetricInput.Counts("errors", 5, 1000, 5, 5, 1000, 5)).verdict())
        .isEqualTo(Verdict.PASS);
    // 0/100 -> 1/100: +1 pp is above the minimum increase but p = 0.5: cannot tell yet
    Decision one = gate.decide(new MetricInput.Counts("errors", 0, 100, 1, 1, 100, 1));
    assertThat(one.pValue()).isCloseTo(0.5, within(1e-12));
    assertThat(one.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(one.runsNeeded()).isGreaterThan(1L);
  }

  @Test
  void countsBeyondTheRangeOfAnIntAreScaledNotRejected() {
    long n = 2_000_000_000L;
    // 0.100 % -> 0.111 %: certainly significant at this size, but below the 0.1 percentage-point minimum
    Decision d = gate.decide(new MetricInput.Counts("errors", n / 1000, n, 10, n / 900, n, 10));
    assertThat(d.verdict()).isEqualTo(Verdict.WARN);
    assertThat(d.regression()).isCloseTo((double) (n / 900) / n - (double) (n / 1000) / n, within(1e-15));
  }

  @Test
  void bootstrapIntervalIsDeterministicForTheSameSeed() {
    double[] base = {100, 103, 98, 101, 99, 104, 97, 102, 100, 101};
    double[] cur = {104, 107, 101, 105, 103, 108, 100, 106, 104, 105};
    Decision a = gate.decide(latency(base, cur));
    Decision b = new Gate(GateConfig.defaults()).decide(latency(base, cur));
    assertThat(a.ciLow()).isEqualTo(b.ciLow());
    assertThat(a.ciHigh()).isEqualTo(b.ciHigh());
    assertThat(a.ciLow()).isLessThanOrEqualTo(a.ratio());
    assertThat(a.ciHigh()).isGreaterThanOrEqualTo(a.ratio());
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
    assertThatThrownBy(() -> new MetricInput.Samples("x", Direction.LOWER_IS_BETTER, new double[] {Double.NaN},
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
    double sd = Numbers.robustLogSd(base, base);
    assertThat(sd).isLessThan(0.02);
  }
}
