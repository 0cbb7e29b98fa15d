package dev.slipway.perf.stats;

/** The gate's answer for one metric, most severe first. */
public enum Verdict {
  /** A confirmed regression: significant after Holm correction and at least the minimum effect. */
  FAIL,
  /** Significant but smaller than the fail threshold, or not confirmed after correction for many metrics. */
  WARN,
  /** The data cannot tell: too few runs, or a large change that is not (yet) significant. */
  UNKNOWN,
  /** No regression that matters. */
  PASS
}
