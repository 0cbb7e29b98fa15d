package dev.slipway.perf.compare;

import dev.slipway.perf.compare.CompareReport.Interval;
import dev.slipway.perf.compare.CompareReport.MetricResult;
import dev.slipway.perf.compare.CompareReport.SideStats;
import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.stats.Decision;
import dev.slipway.perf.stats.Direction;
import dev.slipway.perf.stats.Gate;
import dev.slipway.perf.stats.Method;
import dev.slipway.perf.stats.MetricInput;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Compares the metrics two sides have in common through the {@link Gate}; lists metrics present on one side only.
 * Pure: no files, no clock.
 */
public final class Comparer {
  private final Gate gate;
  private final MetricSelection selection;

  public Comparer(Gate gate, MetricSelection selection) {
    this.gate = gate;
    this.selection = selection;
  }

  /** The comparison of every common metric, most severe verdict first (input order within a verdict). */
  public record Result(
      List<MetricResult> metrics, List<String> onlyInBaseline, List<String> onlyInCurrent, List<String> notes) {}

  public Result compare(SideData baseline, SideData current) {
    List<String> onlyInBaseline = new ArrayList<>();
    List<String> onlyInCurrent = new ArrayList<>();
    List<MetricId> common = new ArrayList<>();
    for (MetricId id : current.metrics().keySet()) {
      if (baseline.metrics().containsKey(id)) {
        common.add(id);
      } else {
        onlyInCurrent.add(id.toString());
      }
    }
    for (MetricId id : baseline.metrics().keySet()) {
      if (!current.metrics().containsKey(id)) {
        onlyInBaseline.add(id.toString());
      }
    }
    List<MetricInput> inputs = new ArrayList<>();
    for (MetricId id : common) {
      inputs.add(input(id, baseline.metrics().get(id), current.metrics().get(id)));
    }
    List<Decision> decisions = gate.decide(inputs);
    List<MetricResult> results = new ArrayList<>();
    for (int i = 0; i < common.size(); i++) {
      MetricId id = common.get(i);
      results.add(result(id, decisions.get(i), baseline.metrics().get(id), current.metrics().get(id)));
    }
    results.sort(Comparator.comparingInt(r -> r.verdict().ordinal()));
    List<String> notes = new ArrayList<>();
    long fixed = decisions.stream().filter(d -> d.method() == Method.FIXED_THRESHOLDS).count();
    if (fixed > 0) {
      notes.add(String.format(java.util.Locale.ROOT, "%d metric(s) had a single run on one side, so the old fixed "
          + "thresholds (%s warn, %s fail) were used instead of a test of significance; repeat the load test "
          + "(perf.runs of 5 or more) for a statistical decision.", fixed, pct(gate.config().singleRunWarn()),
          pct(gate.config().singleRunFail())));
    }
    if (!onlyInBaseline.isEmpty()) {
      notes.add(onlyInBaseline.size() + " metric(s) of the baseline are missing from the current results.");
    }
    if (!onlyInCurrent.isEmpty()) {
      notes.add(onlyInCurrent.size() + " metric(s) of the current results have no baseline yet.");
    }
    return new Result(results, onlyInBaseline, onlyInCurrent, notes);
  }

  private MetricInput input(MetricId id, SideData.Values b, SideData.Values c) {
    if (EndpointResult.ERROR_RATE.equals(id.metric()) && b.requests > 0 && c.requests > 0) {
      return new MetricInput.Counts(id.toString(), b.errors, b.requests, b.runs, c.errors, c.requests, c.runs);
    }
    Direction dir = selection.direction(id.endpoint(), id.metric(), c.higherIsBetter);
    return new MetricInput.Samples(id.toString(), dir, b.array(), c.array());
  }

  private MetricResult result(MetricId id, Decision d, SideData.Values b, SideData.Values c) {
    boolean counts = d.method() == Method.FISHER_EXACT;
    Interval ci = d.ciLow() == null ? null
        : new Interval(counts ? "rateDifference" : "medianRatio", gate.config().confidence(), d.ciLow(),
            d.ciHigh());
    return new MetricResult(id.endpoint(), id.metric(), c.unit != null ? c.unit : b.unit,
        d.direction().shortName(), d.method(), d.verdict(),
        new SideStats(d.baselineRuns(), finite(d.baselineValue()), counts ? b.errors : null,
            counts ? b.requests : null),
        new SideStats(d.currentRuns(), finite(d.currentValue()), counts ? c.errors : null,
            counts ? c.requests : null),
        d.ratio(), d.regression(), d.pValue(), d.adjustedPValue(), ci, d.runsNeeded(), d.reason());
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  static String pct(double fraction) {
    return String.format(java.util.Locale.ROOT, "%.0f %%", fraction * 100);
  }

  /** Metric names present on a side, for error messages about mismatched inputs. */
  static List<String> names(Map<MetricId, SideData.Values> metrics) {
    return metrics.keySet().stream().map(MetricId::toString).limit(20).toList();
  }
}
