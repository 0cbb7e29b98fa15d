package dev.slipway.perf.compare;

import dev.slipway.perf.compare.CompareReport.Interval;
import dev.slipway.perf.compare.CompareReport.MetricResult;
import dev.slipway.perf.compare.CompareReport.Noise;
import dev.slipway.perf.compare.CompareReport.SideStats;
import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.stats.Decision;
import dev.slipway.perf.stats.Direction;
import dev.slipway.perf.stats.Gate;
import dev.slipway.perf.stats.Method;
import dev.slipway.perf.stats.MetricInput;
import dev.slipway.perf.stats.Scale;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares the gated metrics both sides have through the {@link Gate} (one Holm family); lists metrics present on one
 * side only. Pure: no files, no clock.
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

  public Result compare(BaselineSide baseline, SideData current) {
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
      inputs.add(input(id, baseline, baseline.metrics().get(id), current.metrics().get(id)));
    }
    List<Decision> decisions = gate.decide(inputs);
    List<MetricResult> results = new ArrayList<>();
    for (int i = 0; i < common.size(); i++) {
      MetricId id = common.get(i);
      results.add(result(id, decisions.get(i), baseline.metrics().get(id), current.metrics().get(id)));
    }
    results.sort(Comparator.comparingInt(r -> r.verdict().ordinal()));
    List<String> notes = new ArrayList<>();
    long thresholds = decisions.stream().filter(d -> d.method() == Method.THRESHOLDS).count();
    if (thresholds > 0) {
      notes.add(String.format(Locale.ROOT, "%d metric(s) had no history of at least %d builds in this context, so "
          + "the between-build noise is unknown: the fixed thresholds (%s warn, %s fail) decided, with the "
          + "Mann-Whitney test on the runs only able to warn. Record builds with perf:baseline for a build-level "
          + "test.", thresholds, gate.config().minHistoryBuilds(), pct(gate.config().warnThreshold()),
          pct(gate.config().failThreshold())));
    }
    if (!onlyInBaseline.isEmpty()) {
      notes.add(onlyInBaseline.size() + " metric(s) of the baseline are missing from the current results.");
    }
    if (!onlyInCurrent.isEmpty()) {
      notes.add(onlyInCurrent.size() + " metric(s) of the current results have no baseline yet.");
    }
    return new Result(results, onlyInBaseline, onlyInCurrent, notes);
  }

  private MetricInput input(MetricId id, BaselineSide side, BaselineSide.Series b, SideData.Values c) {
    boolean history = side.history();
    if (EndpointResult.ERROR_RATE.equals(id.metric())) {
      double trials = (double) (b.requests() + c.requests()) / Math.max(1, b.runs() + c.runs());
      return MetricInput.errorRates(id.toString(), history ? b.builds() : List.of(), history ? null : b.all(),
          c.array(), trials);
    }
    Direction dir = selection.direction(id.endpoint(), id.metric(), c.higherIsBetter());
    return history ? MetricInput.builds(id.toString(), dir, b.builds(), c.array())
        : MetricInput.runs(id.toString(), dir, b.all(), c.array());
  }

  private MetricResult result(MetricId id, Decision d, BaselineSide.Series b, SideData.Values c) {
    boolean errors = EndpointResult.ERROR_RATE.equals(id.metric());
    boolean ratio = d.scale() == Scale.RELATIVE;
    Interval ci = d.ciLow() == null ? null
        : new Interval(ratio ? "ratio" : "difference", gate.config().confidence(), d.ciLow(), d.ciHigh());
    Noise noise = d.betweenBuildSd() == null && d.withinRunSd() == null ? null
        : new Noise(d.betweenBuildSd(), d.withinRunSd());
    return new MetricResult(id.endpoint(), id.metric(), c.unit() != null ? c.unit() : b.unit(),
        d.direction().shortName(), d.method(), d.verdict(),
        new SideStats(d.baselineRuns(), finite(d.baselineValue()), errors ? b.errors() : null,
            errors ? b.requests() : null, d.historyBuilds() > 0 ? d.historyBuilds() : null),
        new SideStats(d.currentRuns(), finite(d.currentValue()), errors ? c.errors() : null,
            errors ? c.requests() : null, null),
        d.ratio(), d.regression(), d.pValue(), d.adjustedPValue(), ci, noise, d.runsNeeded(), d.reason());
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  static String pct(double fraction) {
    return String.format(Locale.ROOT, "%.0f %%", fraction * 100);
  }

  /** Metric names present on a side, for error messages about mismatched inputs. */
  static List<String> names(Map<MetricId, ?> metrics) {
    return metrics.keySet().stream().map(MetricId::toString).limit(20).toList();
  }
}
