package dev.slipway.perf.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One metric to decide: the current build's per-run values and a baseline. The baseline is either a history of past
 * builds, each with its own runs ({@link #historyBuilds()} non-empty), which lets the gate estimate how much whole
 * builds move against each other; or a single set of runs without build structure (baseline files), in which case
 * the between-build noise is unknown.
 *
 * @param key the metric's name in reports, e.g. {@code GET /orders / latency.p99}
 * @param direction which way is better
 * @param scale ratio or difference
 * @param history past builds, oldest first, each an array of per-run values (empty without history)
 * @param baseline runs of a baseline without build structure (used only when {@code history} is empty)
 * @param current this build's per-run values
 * @param trialsPerRun for error rates: requests per run (binomial noise floor); 0 otherwise
 */
public record MetricInput(
    String key,
    Direction direction,
    Scale scale,
    List<double[]> history,
    double[] baseline,
    double[] current,
    double trialsPerRun) {

  public MetricInput {
    List<double[]> h = new ArrayList<>();
    for (double[] b : history == null ? List.<double[]>of() : history) {
      if (b.length > 0) {
        h.add(finite(key, "history", b));
      }
    }
    history = List.copyOf(h);
    baseline = finite(key, "baseline", baseline == null ? new double[0] : baseline);
    current = finite(key, "current", current == null ? new double[0] : current);
  }

  /** A comparison against runs without build structure (baseline files). */
  public static MetricInput runs(String key, Direction direction, double[] baseline, double[] current) {
    return new MetricInput(key, direction, Scale.RELATIVE, List.of(), baseline, current, 0);
  }

  /** A comparison against a history of builds. */
  public static MetricInput builds(String key, Direction direction, List<double[]> history, double[] current) {
    return new MetricInput(key, direction, Scale.RELATIVE, history, null, current, 0);
  }

  /** Per-run error rates (fractions), lower is better, compared as differences. */
  public static MetricInput errorRates(String key, List<double[]> history, double[] baseline, double[] current,
      double trialsPerRun) {
    return new MetricInput(key, Direction.LOWER_IS_BETTER, Scale.ABSOLUTE, history, baseline, current,
        trialsPerRun);
  }

  /** Whether the baseline is a history of builds. */
  public boolean hasHistory() {
    return !history.isEmpty();
  }

  /** Every baseline run, whichever form the baseline has. */
  public double[] baselineRuns() {
    if (history.isEmpty()) {
      return baseline.clone();
    }
    return history.stream().flatMapToDouble(Arrays::stream).toArray();
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
  public double[] current() {
    return current.clone();
  }

  @Override
  public String toString() {
    return "MetricInput[" + key + ", " + direction + ", " + scale + ", history=" + history.size() + " builds, "
        + "baseline=" + Arrays.toString(baseline) + ", current=" + Arrays.toString(current) + "]";
  }
}
