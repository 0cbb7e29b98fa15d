package dev.slipway.perf.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EDivisiveTest {
  private final EDivisive detector = new EDivisive(50, 0.001, 0);

  /** A level plus a small deterministic wiggle (period 3) so segments have variance. */
  private static double[] steps(int[] lengths, double[] levels) {
    int n = 0;
    for (int l : lengths) {
      n += l;
    }
    double[] x = new double[n];
    int i = 0;
    for (int s = 0; s < lengths.length; s++) {
      for (int k = 0; k < lengths[s]; k++, i++) {
        x[i] = levels[s] + new double[] {-1, 0, 1}[i % 3];
      }
    }
    return x;
  }

  @Test
  void findsASingleStepAtItsFirstIndex() {
    List<EDivisive.ChangePoint> cps = detector.detect(steps(new int[] {30, 30}, new double[] {100, 120}));
    assertThat(cps).hasSize(1);
    EDivisive.ChangePoint cp = cps.get(0);
    assertThat(cp.index()).isEqualTo(30);
    assertThat(cp.meanBefore()).isCloseTo(100, within(0.1));
    assertThat(cp.meanAfter()).isCloseTo(120, within(0.1));
    assertThat(cp.change()).isCloseTo(0.2, within(0.002));
    assertThat(cp.pValue()).isLessThan(1e-6);
  }

  @Test
  void findsTwoStepsInALongSeriesThroughTheWindows() {
    List<EDivisive.ChangePoint> cps =
        detector.detect(steps(new int[] {60, 40, 50}, new double[] {100, 110, 95}));
    assertThat(cps).extracting(EDivisive.ChangePoint::index).containsExactly(60, 100);
  }

  @Test
  void stationaryNoiseHasNoChangePoint() {
    SplittableRandom rnd = new SplittableRandom(42);
    int falseAlarms = 0;
    for (int t = 0; t < 50; t++) {
      double[] x = new double[60];
      for (int i = 0; i < x.length; i++) {
        x[i] = 100 * Math.exp(0.05 * (rnd.nextDouble() + rnd.nextDouble() + rnd.nextDouble() - 1.5) * 2);
      }
      falseAlarms += detector.detect(x).isEmpty() ? 0 : 1;
    }
    assertThat(falseAlarms).isLessThanOrEqualTo(2);
  }

  @Test
  void aShiftIsSeenWithTwoBuildsAfterIt() {
    // Was: both sides needed three points, and the merge step's correction made five the practical minimum.
    double[] x = steps(new int[] {30, 2}, new double[] {100, 120});
    assertThat(detector.detect(x)).extracting(EDivisive.ChangePoint::index).containsExactly(30);
    // one outlier build at the end is not a shift
    double[] one = steps(new int[] {31, 1}, new double[] {100, 120});
    assertThat(detector.detect(one)).isEmpty();
  }

  @Test
  void shortSeriesHaveNone() {
    assertThat(detector.detect(new double[] {1, 2, 3})).isEmpty();
  }

  @Test
  void qhatIsZeroForIdenticalHalvesAndGrowsWithTheGap() {
    double[] flat = {5, 5, 5, 5};
    double[] gap = {5, 5, 9, 9};
    assertThat(qhatAt(flat, 2)).isEqualTo(0.0);
    // X={5,5}, Y={9,9}: energy distance 2·4 − 0 − 0 = 8, times nm/(n+m) = 1 → 8
    assertThat(qhatAt(gap, 2)).isCloseTo(8.0, within(1e-12));
  }

  private static double qhatAt(double[] x, int tau) {
    double[][] p = new double[x.length + 1][x.length + 1];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < x.length; j++) {
        p[i + 1][j + 1] = p[i][j + 1] + p[i + 1][j] - p[i][j] + Math.abs(x[i] - x[j]);
      }
    }
    return EDivisive.qhat(p, 0, tau, x.length);
  }

  @Test
  void badSettingsNameTheProperty() {
    assertThatThrownBy(() -> new EDivisive(2, 0.001, 0)).hasMessageContaining("perf.changePointWindow");
    assertThatThrownBy(() -> new EDivisive(50, 2, 0)).hasMessageContaining("perf.changePointPValue");
  }
}
