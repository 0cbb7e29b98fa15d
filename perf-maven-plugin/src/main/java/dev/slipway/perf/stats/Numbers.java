package dev.slipway.perf.stats;

import java.util.Arrays;

/** Small order statistics the gate needs: medians, percentiles and a robust spread. */
public final class Numbers {
  private Numbers() {}

  /** Median of {@code values}; NaN when empty. Does not modify the argument. */
  public static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] s = values.clone();
    Arrays.sort(s);
    return sortedMedian(s, s.length);
  }

  static double sortedMedian(double[] sorted, int n) {
    int h = n / 2;
    return (n % 2 == 1) ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
  }

  /** Percentile {@code q} in [0, 1] of an already sorted array, linearly interpolated (R type 7). */
  public static double sortedQuantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  /**
   * Robust standard deviation of the logarithms of both sides, each centred on its own median (1.4826 × MAD of the
   * pooled residuals): the relative run-to-run noise, insensitive to a few outlier runs. Zero or negative values
   * are skipped since they have no logarithm.
   */
  public static double robustLogSd(double[] a, double[] b) {
    double[] la = logs(a);
    double[] lb = logs(b);
    double ma = median(la);
    double mb = median(lb);
    double[] res = new double[la.length + lb.length];
    int i = 0;
    for (double v : la) {
      res[i++] = Math.abs(v - ma);
    }
    for (double v : lb) {
      res[i++] = Math.abs(v - mb);
    }
    return res.length == 0 ? 0 : 1.4826 * median(res);
  }

  private static double[] logs(double[] values) {
    return Arrays.stream(values).filter(v -> v > 0).map(Math::log).toArray();
  }

  /** log of the binomial coefficient C(n, k). */
  static double logChoose(int n, int k) {
    int kk = Math.min(k, n - k);
    double s = 0;
    for (int i = 1; i <= kk; i++) {
      s += Math.log(n - kk + i) - Math.log(i);
    }
    return s;
  }
}
