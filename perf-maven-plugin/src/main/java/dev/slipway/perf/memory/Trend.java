package dev.slipway.perf.memory;

import java.util.Arrays;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * Monotonic trend of a series: the Mann-Kendall test (is there a trend at all?) and the Theil-Sen slope (how steep?).
 * Both are rank/median based, so a single outlier sample (a GC that ran while a big request was in flight) neither
 * makes nor hides a trend, and neither assumes the growth is linear or the noise normal.
 *
 * @param n number of samples
 * @param s Mann-Kendall S: concordant minus discordant pairs
 * @param z standard score of S (continuity-corrected, tie-corrected variance)
 * @param pUp one-sided p-value of an upward trend (normal approximation, as in Hipel and McLeod)
 * @param slope Theil-Sen slope: median of the pairwise slopes, in y units per x unit
 * @param intercept Conover's intercept: median of {@code y - slope * x}
 */
public record Trend(int n, double s, double z, double pUp, double slope, double intercept) {
  private static final NormalDistribution NORMAL = NormalDistribution.of(0, 1);

  /** The trend of {@code y} over {@code x} (same length, at least 3). */
  public static Trend of(double[] x, double[] y) {
    int n = x.length;
    if (n != y.length || n < 3) {
      throw new IllegalArgumentException("a trend needs at least 3 paired samples, got " + n);
    }
    long s = 0;
    double[] slopes = new double[n * (n - 1) / 2];
    int k = 0;
    for (int i = 0; i < n - 1; i++) {
      for (int j = i + 1; j < n; j++) {
        s += Long.signum(Double.compare(y[j], y[i]));
        if (x[j] != x[i]) {
          slopes[k++] = (y[j] - y[i]) / (x[j] - x[i]);
        }
      }
    }
    double var = n * (n - 1.0) * (2 * n + 5) / 18.0 - tieCorrection(y);
    double z = var <= 0 ? 0 : (s > 0 ? (s - 1) / Math.sqrt(var) : s < 0 ? (s + 1) / Math.sqrt(var) : 0);
    double p = NORMAL.survivalProbability(z);
    double slope = k == 0 ? 0 : median(Arrays.copyOf(slopes, k));
    double[] residual = new double[n];
    for (int i = 0; i < n; i++) {
      residual[i] = y[i] - slope * x[i];
    }
    return new Trend(n, s, z, p, slope, median(residual));
  }

  /** Σ t(t−1)(2t+5)/18 over groups of tied values. */
  private static double tieCorrection(double[] y) {
    double[] sorted = y.clone();
    Arrays.sort(sorted);
    double c = 0;
    int i = 0;
    while (i < sorted.length) {
      int j = i;
      while (j + 1 < sorted.length && sorted[j + 1] == sorted[i]) {
        j++;
      }
      int t = j - i + 1;
      if (t > 1) {
        c += t * (t - 1.0) * (2 * t + 5) / 18.0;
      }
      i = j + 1;
    }
    return c;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }

  /** The fitted value at {@code x}. */
  public double at(double x) {
    return intercept + slope * x;
  }
}
