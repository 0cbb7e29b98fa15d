package dev.slipway.perf.stats;

/** How a metric was decided; reports print it so a reader knows what a verdict rests on. */
public enum Method {
  /**
   * The build is the unit: this build's value against the distribution of past builds in the same context (a
   * Student-t prediction interval whose variance is the between-build variance estimated from the history, plus
   * this build's own within-build noise).
   */
  BUILD_T_TEST,
  /**
   * No history of builds, so the between-build noise is unknown: the fixed warn/fail thresholds on the median ratio
   * decide, and a one-sided Mann-Whitney U test on the runs can only add a warning.
   */
  THRESHOLDS,
  /** The error budget ({@code perf.maxErrorRate}, Artillery {@code ensure}): an absolute limit, no baseline needed. */
  ERROR_BUDGET,
  /** An absolute limit on a latency percentile from Artillery's {@code ensure}. */
  ENSURE,
  /** Nothing to compare (no values on a side). */
  NONE
}
