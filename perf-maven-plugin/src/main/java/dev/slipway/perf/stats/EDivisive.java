package dev.slipway.perf.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.statistics.inference.MannWhitneyUTest;

/**
 * Change points in a series of measurements (one value per build, oldest first) by E-Divisive means, in the
 * variant of Hunter/Apache Otava (Fleming et al., ICPE 2023): the energy statistic Q̂ of Matteson and James picks
 * the most likely split of a segment, and a two-sample test between the two sides (instead of a permutation test)
 * decides whether it is real. Two deliberate differences from Otava, both measured with the validation harness:
 * the test is a Mann-Whitney U test rather than a t-test, because one outlier run inflates a t-test's variance and
 * hides real shifts; and the confirmation p-value is multiplied by the number of split positions searched, because
 * the split was chosen to maximise the difference (without this, stationary series with 5 % outlier runs showed a
 * change point 3-5 % of the time at p 0.001). To stay sensitive on long histories the search runs in sliding
 * windows (half-window steps) with a relaxed p-value, and the weak change points found there are then merged: the
 * weakest is removed and its neighbours re-tested until every remaining one is significant at the configured p-value
 * and changes the mean by at least the minimum magnitude.
 *
 * <p>Deterministic (no permutations), O(window²) per window.
 */
public final class EDivisive {
  /**
   * A confirmed change point: the first index of the new regime, the means of the segments on either side, and the
   * (search-corrected) p-value of the rank test between them.
   */
  public record ChangePoint(int index, double meanBefore, double meanAfter, double pValue) {
    /** Relative change of the mean, after / before − 1 (NaN when the mean before is 0). */
    public double change() {
      return meanBefore == 0 ? Double.NaN : meanAfter / meanBefore - 1;
    }
  }

  /**
   * Fewest points on either side of a candidate split. Two lets a pair of outlier runs at a window's edge pass for a
   * new level (measured: 3.8 % of stationary 60-build series with 5 % outlier runs at p 0.001, 2.8 % with three).
   */
  static final int MIN_SEGMENT = 3;
  /**
   * Fewest points after the last split of the series: a shift is seen with two builds after it, as in Otava. Such a
   * short tail is confirmed by a Student t-test with the variance pooled over both sides (a rank test of 2 against n
   * cannot reach 0.001), so one outlier build alone cannot make a change point.
   */
  static final int MIN_TAIL = 2;
  /**
   * Fewest points on each side for the rank test: with fewer, even a complete separation cannot reach 0.001 after
   * the correction for the split positions searched (3 against 20: 2 / C(23, 3) = 0.0011 before it), so short sides
   * are tested with Student's t instead.
   */
  static final int RANK_MIN = 5;
  private final int window;
  private final double maxPValue;
  private final double minMagnitude;

  /**
   * @param window sliding window length (Otava's default is 50)
   * @param maxPValue significance of a confirmed change point (Otava's default is 0.001)
   * @param minMagnitude smallest relative change of the mean to keep a change point (0 keeps all significant ones)
   */
  public EDivisive(int window, double maxPValue, double minMagnitude) {
    if (window < 4) {
      throw new IllegalArgumentException("perf.changePointWindow = " + window + " is too small; expected >= 4");
    }
    if (!(maxPValue > 0 && maxPValue < 1)) {
      throw new IllegalArgumentException("perf.changePointPValue = " + maxPValue + " is not accepted; expected a "
          + "number in (0, 1), e.g. 0.001");
    }
    this.window = window;
    this.maxPValue = maxPValue;
    this.minMagnitude = minMagnitude;
  }

  /** The confirmed change points of {@code series}, by index. */
  public List<ChangePoint> detect(double[] series) {
    int n = series.length;
    if (n < 4) {
      return List.of();
    }
    double firstPass = maxPValue < 0.05 ? maxPValue * 10 : Math.min(0.5, maxPValue * 2);
    List<Integer> weak = new ArrayList<>();
    int step = Math.max(1, window / 2);
    int start = 0;
    while (start < n) {
      int end = Math.min(start + window, n);
      List<Integer> found = divide(series, start, end, firstPass);
      int last = 0;
      for (int idx : found) {
        if (!weak.contains(idx)) {
          weak.add(idx);
        }
        last = Math.max(last, idx);
      }
      if (end == n) {
        break;
      }
      start = Math.max(last, start + step);
    }
    weak.sort(Comparator.naturalOrder());
    return merge(series, weak);
  }

  /** Hierarchical E-Divisive inside series[start, end): splits while the t-test at {@code pThreshold} agrees. */
  private List<Integer> divide(double[] series, int start, int end, double pThreshold) {
    double[] x = Arrays.copyOfRange(series, start, end);
    int n = x.length;
    boolean tailOfSeries = end == series.length;
    if (n < 4) {
      return List.of();
    }
    double[][] prefix = prefixDistances(x);
    List<Integer> cps = new ArrayList<>(); // local indices, sorted
    while (true) {
      int bestTau = -1;
      double bestQ = Double.NEGATIVE_INFINITY;
      int bestLo = 0;
      int bestHi = n;
      List<Integer> bounds = new ArrayList<>();
      bounds.add(0);
      bounds.addAll(cps);
      bounds.add(n);
      for (int s = 0; s + 1 < bounds.size(); s++) {
        int lo = bounds.get(s);
        int hi = bounds.get(s + 1);
        int right = tailOfSeries && hi == n ? MIN_TAIL : MIN_SEGMENT;
        for (int tau = lo + MIN_SEGMENT; tau <= hi - right; tau++) {
          for (int kappa = tau + (kappa(hi, n, tailOfSeries) ? right : MIN_SEGMENT); kappa <= hi; kappa++) {
            double q = qhat(prefix, lo, tau, kappa);
            if (q > bestQ) {
              bestQ = q;
              bestTau = tau;
              bestLo = lo;
              bestHi = hi;
            }
          }
        }
      }
      if (bestTau < 0) {
        break;
      }
      double p = rankP(x, bestLo, bestTau, bestHi);
      if (p > pThreshold) {
        break;
      }
      cps.add(bestTau);
      cps.sort(Comparator.naturalOrder());
    }
    List<Integer> out = new ArrayList<>();
    for (int c : cps) {
      out.add(c + start);
    }
    return out;
  }

  private static boolean kappa(int hi, int n, boolean tailOfSeries) {
    return tailOfSeries && hi == n;
  }

  /** Removes the weakest change point until all are significant and large enough; neighbours are re-tested. */
  private List<ChangePoint> merge(double[] series, List<Integer> weak) {
    List<Integer> cps = new ArrayList<>(weak);
    while (!cps.isEmpty()) {
      List<ChangePoint> tested = test(series, cps);
      ChangePoint weakest = tested.stream().max(Comparator.comparingDouble(ChangePoint::pValue)).orElseThrow();
      if (weakest.pValue() <= maxPValue) {
        ChangePoint smallest = tested.stream()
            .min(Comparator.comparingDouble(c -> magnitude(c))).orElseThrow();
        if (magnitude(smallest) >= minMagnitude) {
          return tested;
        }
        weakest = smallest;
      }
      cps.remove(Integer.valueOf(weakest.index()));
    }
    return List.of();
  }

  private static double magnitude(ChangePoint c) {
    double f = c.meanBefore() == 0 ? 0 : Math.abs(c.meanAfter() / c.meanBefore() - 1);
    double b = c.meanAfter() == 0 ? 0 : Math.abs(c.meanBefore() / c.meanAfter() - 1);
    return Math.max(f, b);
  }

  private static List<ChangePoint> test(double[] series, List<Integer> cps) {
    List<ChangePoint> out = new ArrayList<>();
    for (int i = 0; i < cps.size(); i++) {
      int lo = i == 0 ? 0 : cps.get(i - 1);
      int tau = cps.get(i);
      int hi = i == cps.size() - 1 ? series.length : cps.get(i + 1);
      double p = rankP(series, lo, tau, hi);
      // the split was chosen as the most different one among all positions of the segment, so a plain test
      // overstates its significance; a Bonferroni factor over those positions keeps p honest
      int right = hi == series.length ? MIN_TAIL : MIN_SEGMENT;
      p = Math.min(1, p * Math.max(1, hi - lo - MIN_SEGMENT - right + 1));
      out.add(new ChangePoint(tau, mean(series, lo, tau), mean(series, tau, hi), p));
    }
    return out;
  }

  /**
   * Two-sided test of the levels of x[lo, tau) and x[tau, hi): Mann-Whitney U when both sides have at least
   * {@link #RANK_MIN} points (robust to an outlier), else Student's t with pooled variance.
   */
  static double rankP(double[] x, int lo, int tau, int hi) {
    double[] left = Arrays.copyOfRange(x, lo, tau);
    double[] right = Arrays.copyOfRange(x, tau, hi);
    if (left.length < 2 || right.length < 2) {
      return 1;
    }
    if (variance(left) == 0 && variance(right) == 0) {
      return mean(left, 0, left.length) == mean(right, 0, right.length) ? 1 : 0;
    }
    if (Math.min(left.length, right.length) < RANK_MIN) {
      int df = left.length + right.length - 2;
      double pooled = (variance(left) + variance(right)) / df;
      double t = (mean(right, 0, right.length) - mean(left, 0, left.length))
          / Math.sqrt(pooled * (1.0 / left.length + 1.0 / right.length));
      return 2 * org.apache.commons.statistics.distribution.TDistribution.of(df).survivalProbability(Math.abs(t));
    }
    double p = MannWhitneyUTest.withDefaults().test(left, right).getPValue();
    return Double.isNaN(p) ? 1 : p;
  }

  private static double mean(double[] x, int lo, int hi) {
    double s = 0;
    for (int i = lo; i < hi; i++) {
      s += x[i];
    }
    return s / (hi - lo);
  }

  private static double variance(double[] x) {
    double m = mean(x, 0, x.length);
    double s = 0;
    for (double v : x) {
      s += (v - m) * (v - m);
    }
    return s;
  }

  /** P[i][j] = Σ_{a<i, b<j} |x_a − x_b|, so any block sum of the distance matrix costs O(1). */
  private static double[][] prefixDistances(double[] x) {
    int n = x.length;
    double[][] p = new double[n + 1][n + 1];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        p[i + 1][j + 1] = p[i][j + 1] + p[i + 1][j] - p[i][j] + Math.abs(x[i] - x[j]);
      }
    }
    return p;
  }

  private static double block(double[][] p, int r0, int r1, int c0, int c1) {
    return p[r1][c1] - p[r0][c1] - p[r1][c0] + p[r0][c0];
  }

  /**
   * Matteson-James Q̂ for X = x[lo, tau) and Y = x[tau, kappa): (mn/(m+n)) times the energy distance
   * 2·mean|X−Y| − mean|X−X'| − mean|Y−Y'| (pairs within a side counted once each).
   */
  static double qhat(double[][] p, int lo, int tau, int kappa) {
    int n = tau - lo;
    int m = kappa - tau;
    double cross = block(p, lo, tau, tau, kappa);
    double withinX = block(p, lo, tau, lo, tau) / 2;
    double withinY = block(p, tau, kappa, tau, kappa) / 2;
    double e = 2 * cross / ((double) n * m)
        - withinX / (n * (n - 1) / 2.0)
        - withinY / (m * (m - 1) / 2.0);
    return (double) n * m / (n + m) * e;
  }
}
