package dev.slipway.perf.stats;

import java.util.Arrays;

/** One metric to decide: either per-run values on both sides, or event counts (errors out of requests). */
public sealed interface MetricInput permits MetricInput.Samples, MetricInput.Counts {
  /** The metric's name in reports, e.g. {@code GET /orders p99}. */
  String key();

  Direction direction();

  /** Per-run values (one per run or JMH fork) of a baseline and the current build. */
  record Samples(String key, Direction direction, double[] baseline, double[] current) implements MetricInput {
    public Samples {
      baseline = finite(key, "baseline", baseline);
      current = finite(key, "current", current);
    }

    private static double[] finite(String key, String side, double[] values) {
      for (double v : values) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException(key + ": " + side + " value " + v + " is not a finite number");
        }
      }
      return values.clone();
    }

    @Override
    public double[] baseline() {
      return baseline.clone();
    }

    @Override
    public double[] current() {
      return current.clone();
    }

    @Override
    public String toString() {
      return "Samples[" + key + ", " + direction + ", baseline=" + Arrays.toString(baseline) + ", current="
          + Arrays.toString(current) + "]";
    }
  }

  /**
   * Events (errors) out of trials (requests), summed over the runs of each side. Lower is always better: the test
   * asks whether the current build's event rate is higher.
   */
  record Counts(
      String key,
      long baselineEvents,
      long baselineTotal,
      int baselineRuns,
      long currentEvents,
      long currentTotal,
      int currentRuns)
      implements MetricInput {
    public Counts {
      if (baselineEvents < 0 || currentEvents < 0 || baselineEvents > baselineTotal || currentEvents > currentTotal) {
        throw new IllegalArgumentException(key + ": event counts must be between 0 and the totals, were "
            + baselineEvents + "/" + baselineTotal + " and " + currentEvents + "/" + currentTotal);
      }
    }

    @Override
    public Direction direction() {
      return Direction.LOWER_IS_BETTER;
    }
  }
}
