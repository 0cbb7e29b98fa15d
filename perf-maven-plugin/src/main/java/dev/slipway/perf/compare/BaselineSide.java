package dev.slipway.perf.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline of a comparison, per metric: either a history of builds (each with its runs' values), which lets the
 * gate estimate how much whole builds differ, or one set of runs without build structure (baseline files).
 *
 * @param metrics per metric, its series of builds
 * @param runs runs the baseline was built from
 * @param history whether {@link Series#builds()} are separate builds from a history
 */
public record BaselineSide(Map<MetricId, Series> metrics, int runs, boolean history) {

  /**
   * One metric's baseline.
   *
   * @param builds per build (oldest first) the values of its runs; a single entry for baseline files
   * @param unit the metric's unit
   * @param higherIsBetter the result's own direction
   * @param errors errors over all these runs (error rates only)
   * @param requests requests over all these runs (error rates only)
   * @param runs runs that had the metric
   */
  public record Series(List<double[]> builds, String unit, boolean higherIsBetter, long errors, long requests,
      int runs) {
    public Series {
      builds = List.copyOf(builds);
    }

    /** Every run's value, builds concatenated. */
    public double[] all() {
      return builds.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
    }
  }

  public BaselineSide {
    metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }

  /** Result files as one baseline build: no build structure, so no between-build variance. */
  public static BaselineSide files(SideData data) {
    Map<MetricId, Series> m = new LinkedHashMap<>();
    for (Map.Entry<MetricId, SideData.Values> e : data.metrics().entrySet()) {
      SideData.Values v = e.getValue();
      List<double[]> one = new ArrayList<>();
      one.add(v.array());
      m.put(e.getKey(), new Series(one, v.unit(), v.higherIsBetter, v.errors(), v.requests(), v.runs()));
    }
    return new BaselineSide(m, data.runs(), false);
  }
}
