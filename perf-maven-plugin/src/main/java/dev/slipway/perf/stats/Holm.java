package dev.slipway.perf.stats;

import java.util.Arrays;
import java.util.Comparator;

/** Holm's step-down adjustment of p-values for a family of tests (controls the family-wise error rate). */
public final class Holm {
  private Holm() {}

  /**
   * Returns Holm-adjusted p-values in the order of {@code p}: sorted ascending, the k-th smallest (from 0) is
   * multiplied by {@code m - k}, made monotone, and capped at 1. A test is rejected at level α when its adjusted
   * p-value is at most α.
   */
  public static double[] adjust(double[] p) {
    int m = p.length;
    Integer[] order = new Integer[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
    double[] adjusted = new double[m];
    double running = 0;
    for (int k = 0; k < m; k++) {
      int i = order[k];
      running = Math.max(running, Math.min(1, (m - k) * p[i]));
      adjusted[i] = running;
    }
    return adjusted;
  }
}
