package dev.slipway.perf.stats;

/**
 * How differences of a metric are measured. Latency and throughput vary multiplicatively (a slower machine makes
 * everything a few per cent slower), so they are compared as ratios on a log scale; an error rate is compared as an
 * absolute difference (0 % to 2 % has no ratio).
 */
public enum Scale {
  /** Ratio current / baseline; regression is a relative fraction of the baseline. */
  RELATIVE,
  /** Difference current − baseline; regression is an absolute difference (e.g. percentage points / 100). */
  ABSOLUTE
}
