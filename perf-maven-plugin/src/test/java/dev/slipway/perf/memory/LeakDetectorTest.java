package dev.slipway.perf.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The verdict on synthetic post-GC series shaped like what the sampler records with the defaults (a 5-minute
 * window, a full GC every 5 s, the first 30 s left out). The 20-run false-alarm check of a saw-tooth heap is a
 * simulation here; the real services run in {@code MemoryMojoTest}.
 */
class LeakDetectorTest {
  static final LeakDetector DETECTOR = new LeakDetector(LeakDetector.Settings.defaults());

  /** Samples every 5 s from 0 to 300 s of {@code live(t)} MB plus normal noise of {@code noiseMb}. */
  static List<HeapSample> series(DoubleUnaryOperator live, double noiseMb, Random random) {
    List<HeapSample> out = new ArrayList<>();
    for (double t = 0; t <= 300; t += 5) {
      double mb = live.applyAsDouble(t) + random.nextGaussian() * noiseMb;
      out.add(new HeapSample(t, (long) (mb * 1024 * 1024), "G1 Old Generation", "System.gc()"));
    }
    return out;
  }

  /**
   * A live set that saw-tooths: a store that fills and is purged every 15-60 s (5-40 MB), on 50 MB of steady data,
   * with a random phase. Mann-Kendall alone calls many of these a trend (its samples are not independent).
   */
  static DoubleUnaryOperator sawTooth(Random r) {
    return sawTooth(r, 15, 60, 5, 40);
  }

  static DoubleUnaryOperator sawTooth(Random r, double minPeriod, double maxPeriod, double minMb, double maxMb) {
    double period = minPeriod + r.nextDouble() * (maxPeriod - minPeriod);
    double amplitude = minMb + r.nextDouble() * (maxMb - minMb);
    double phase = r.nextDouble() * period;
    return t -> 50 + amplitude * (((t + phase) % period) / period);
  }

  @Test
  void aSawToothIsNeverALeakInTwentyRuns() {
    int leaks = 0;
    for (int seed = 1; seed <= 20; seed++) {
      Random r = new Random(seed);
      LeakDetector.Analysis a = DETECTOR.analyse(series(sawTooth(r), 0.5, r), 30, 300);
      assertThat(a.verdict()).as("seed %d: %s", seed, a.reason()).isIn(Verdict.STABLE, Verdict.PLATEAU);
      leaks += a.verdict() == Verdict.LEAK ? 1 : 0;
    }
    assertThat(leaks).isZero();
  }

  @Test
  void falseAlarmRateOverManySawTeethAndWhatTheFloorGuardDoes() {
    int[] teeth = falseAlarms(15, 60);
    int[] longTeeth = falseAlarms(30, 120);
    System.out.printf("saw-tooth live set, 1000 simulated 5-minute windows each: periods 15-60 s: %d leak verdicts "
        + "(%d without the floor guard); periods 30-120 s: %d (%d without the floor guard)%n", teeth[0], teeth[1],
        longTeeth[0], longTeeth[1]);
    assertThat(teeth[0]).isZero();
    // teeth longer than a quarter of the window are where the guard matters (and where it is not enough: the
    // documented limit, a window several periods long is needed)
    assertThat(longTeeth[0]).isLessThan(longTeeth[1]);
  }

  /** {leak verdicts, verdicts by Mann-Kendall and Theil-Sen alone} over 1000 saw-tooth series. */
  static int[] falseAlarms(double minPeriod, double maxPeriod) {
    int leaks = 0;
    int withoutGuard = 0;
    for (int seed = 1; seed <= 1000; seed++) {
      Random r = new Random(seed);
      List<HeapSample> s = series(sawTooth(r, minPeriod, maxPeriod, 5, 40), 0.5, r);
      LeakDetector.Analysis a = DETECTOR.analyse(s, 30, 300);
      leaks += a.verdict() == Verdict.LEAK ? 1 : 0;
      if (a.whole().pUp() < 0.01 && a.tail().pUp() < 0.05 && a.tail().slope() >= 1) {
        withoutGuard++;
      }
    }
    return new int[] {leaks, withoutGuard};
  }

  @Test
  void aSlowLeakUnderTheSawToothIsALeakEveryTime() {
    for (int seed = 1; seed <= 20; seed++) {
      Random r = new Random(seed);
      DoubleUnaryOperator saw = sawTooth(r, 15, 60, 5, 15);
      // 4 MB/min, under teeth of up to 15 MB (under teeth of 40 MB about 1 in 4 is missed: its tail trend is not
      // significant)
      LeakDetector.Analysis a = DETECTOR.analyse(series(t -> saw.applyAsDouble(t) + 4 * t / 60, 0.5, r), 30, 300);
      assertThat(a.verdict()).as("seed %d: %s", seed, a.reason()).isEqualTo(Verdict.LEAK);
      assertThat(a.whole().slope()).isBetween(2.0, 6.0);
    }
  }

  @Test
  void aSteadyLeakIsSeenEarlyAndTheTimeIsReported() {
    Random r = new Random(7);
    LeakDetector.Analysis a = DETECTOR.analyse(series(t -> 60 + 20 * t / 60, 0.5, r), 30, 300);
    assertThat(a.verdict()).isEqualTo(Verdict.LEAK);
    assertThat(a.whole().slope()).isCloseTo(20, org.assertj.core.data.Offset.offset(1.0));
    // eight samples after the warm-up are the fewest that can give a verdict
    assertThat(a.leakSince()).isBetween(65.0, 120.0);
  }

  @Test
  void aCacheThatFillsThenStaysIsAPlateauNotALeak() {
    Random r = new Random(3);
    // fills 40 MB in the first 90 s, then stays
    LeakDetector.Analysis a = DETECTOR.analyse(series(t -> 50 + 40 * Math.min(1, t / 90), 0.5, r), 30, 300);
    assertThat(a.verdict()).as(a.reason()).isEqualTo(Verdict.PLATEAU);
    assertThat(a.plateauFrom()).isBetween(60.0, 130.0);
    assertThat(a.plateauMb()).isCloseTo(90, org.assertj.core.data.Offset.offset(1.0));
  }

  @Test
  void theSameCacheStillFillingAtTheEndIsALeak() {
    // the input that makes the plateau test fail: a cache that has not stopped growing cannot be told from a leak
    Random r = new Random(3);
    LeakDetector.Analysis a = DETECTOR.analyse(series(t -> 50 + 40 * Math.min(1, t / 400), 0.5, r), 30, 300);
    assertThat(a.verdict()).isEqualTo(Verdict.LEAK);
  }

  @Test
  void flatNoiseIsStableAndGrowthBelowTheMinimumSlopeIsToo() {
    Random r = new Random(11);
    assertThat(DETECTOR.analyse(series(t -> 80, 1, r), 30, 300).verdict()).isEqualTo(Verdict.STABLE);
    // 0.5 MB/min is significant but below the 1 MB/min minimum
    assertThat(DETECTOR.analyse(series(t -> 80 + 0.5 * t / 60, 0.05, r), 30, 300).verdict())
        .isEqualTo(Verdict.STABLE);
  }

  @Test
  void tooFewSamplesIsInconclusive() {
    Random r = new Random(1);
    List<HeapSample> few = series(t -> 60 + 20 * t / 60, 0.5, r).subList(0, 12);
    assertThat(DETECTOR.analyse(few, 30, 60).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
  }

  @Test
  void mannKendallAndTheilSenOnKnownValues() {
    // strictly rising: S = n(n-1)/2, slope exact
    Trend t = Trend.of(new double[] {0, 1, 2, 3, 4, 5, 6, 7}, new double[] {1, 3, 5, 7, 9, 11, 13, 15});
    assertThat(t.s()).isEqualTo(28);
    assertThat(t.slope()).isEqualTo(2);
    assertThat(t.intercept()).isEqualTo(1);
    // var = 8*7*21/18 = 65.33; z = 27 / sqrt(65.33) = 3.340; one-sided p = 0.000419
    assertThat(t.z()).isCloseTo(3.340, org.assertj.core.data.Offset.offset(0.001));
    assertThat(t.pUp()).isCloseTo(0.000419, org.assertj.core.data.Offset.offset(0.00001));
    // an outlier does not move the Theil-Sen slope
    Trend o = Trend.of(new double[] {0, 1, 2, 3, 4, 5, 6, 7}, new double[] {1, 3, 5, 70, 9, 11, 13, 15});
    assertThat(o.slope()).isEqualTo(2);
    // ties reduce the variance: all equal → no trend
    Trend flat = Trend.of(new double[] {0, 1, 2, 3}, new double[] {5, 5, 5, 5});
    assertThat(flat.s()).isZero();
    assertThat(flat.pUp()).isEqualTo(0.5);
  }
}
