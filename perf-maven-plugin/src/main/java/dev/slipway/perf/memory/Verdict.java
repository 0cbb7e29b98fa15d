package dev.slipway.perf.memory;

/** What the heap did over the window. */
public enum Verdict {
  /** The post-GC heap kept growing to the end of the window, faster than the minimum slope. */
  LEAK,
  /** It grew, then stopped (a cache filling up): reported, not failed. */
  PLATEAU,
  /** No significant growth. */
  STABLE,
  /** Too few full-GC samples to tell. */
  INCONCLUSIVE
}
