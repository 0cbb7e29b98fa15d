package dev.slipway.perf.stats;

/** How a metric was decided; reports print it so a reader knows what a verdict rests on. */
public enum Method {
  /** One-sided Mann-Whitney U test on per-run values plus a minimum effect on the median ratio. */
  MANN_WHITNEY_U,
  /** One-sided Fisher exact test on error and request counts. */
  FISHER_EXACT,
  /** Only one run on a side: the old fixed warn/fail thresholds on the ratio, no test of significance. */
  FIXED_THRESHOLDS,
  /** Nothing to compare (no values on a side). */
  NONE
}
