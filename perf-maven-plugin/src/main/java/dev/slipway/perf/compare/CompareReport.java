package dev.slipway.perf.compare;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.slipway.perf.stats.Method;
import dev.slipway.perf.stats.Verdict;
import java.time.Instant;
import java.util.List;

/**
 * What {@code perf:compare} found, as written to {@code compare.json}. The schema is versioned by
 * {@link #SCHEMA_VERSION} and documented in {@code src/site/markdown/compare-schema.md}: fields are only ever added
 * within a version.
 *
 * @param schema always {@code slipway-perf-compare}
 * @param schemaVersion {@link #SCHEMA_VERSION}
 * @param generatedAt when the comparison ran
 * @param verdict the worst verdict over all metrics (PASS when nothing was compared)
 * @param summary how many metrics got each verdict
 * @param settings the gate's settings, so a reader can tell what the verdicts rest on
 * @param baseline where the baseline came from
 * @param current where the current results came from
 * @param metrics one entry per compared metric, most severe first
 * @param onlyInBaseline metrics (endpoint / metric) that the baseline has and the current results lack
 * @param onlyInCurrent metrics that only the current results have
 * @param changePoints change points found in the history (empty without history)
 * @param accepted accepted shifts in the history ({@code perf:accept}) that start the baseline of some metrics
 * @param notes anything else a reader must know (single-run thresholds used, aborted runs left out, ...)
 */
@JsonPropertyOrder({"schema", "schemaVersion", "generatedAt", "verdict", "summary", "settings", "baseline", "current",
    "metrics", "onlyInBaseline", "onlyInCurrent", "changePoints", "accepted", "notes"})
public record CompareReport(
    String schema,
    int schemaVersion,
    Instant generatedAt,
    Verdict verdict,
    Summary summary,
    Settings settings,
    Source baseline,
    Source current,
    List<MetricResult> metrics,
    List<String> onlyInBaseline,
    List<String> onlyInCurrent,
    List<ChangePointResult> changePoints,
    List<AcceptedShift> accepted,
    List<String> notes) {

  public static final String SCHEMA = "slipway-perf-compare";
  /** 2: build-level test, thresholds without history, error budget; bootstrap and Fisher fields removed. */
  public static final int SCHEMA_VERSION = 2;

  /** Counts of verdicts. */
  public record Summary(int fail, int warn, int unknown, int pass) {}

  /** The gate's settings. */
  public record Settings(
      double alpha,
      double minEffect,
      double warnThreshold,
      double failThreshold,
      double minErrorRateIncrease,
      double confidence,
      int minHistoryBuilds,
      double maxErrorRate,
      List<String> failOn) {}

  /**
   * An accepted shift: from this point of the history on, the listed metrics have a new normal.
   *
   * @param time when it was accepted
   * @param commit the commit from which builds count (null: builds recorded after {@code time})
   * @param metrics globs of the metrics it applies to ({@code *} = all)
   * @param reason why, as given
   */
  public record AcceptedShift(Instant time, String commit, List<String> metrics, String reason) {}

  /**
   * One side of the comparison.
   *
   * @param kind {@code files}, {@code history} or {@code none} (first build: only the error budget applies)
   * @param location the file, folder or history file
   * @param runs runs read (for history: runs in the same context)
   * @param context for history: the context keys and values that runs had to match
   */
  public record Source(String kind, String location, int runs, java.util.Map<String, String> context) {}

  /**
   * One metric's decision.
   *
   * @param endpoint endpoint or benchmark
   * @param metric measurement, e.g. {@code latency.p99}
   * @param unit its unit
   * @param direction {@code higher} or {@code lower} is better
   * @param method how it was decided
   * @param verdict the answer
   * @param baseline runs and typical value of the baseline (for history: over builds), with errors and requests for
   *     error rates and the number of builds
   * @param current runs and median of the current build
   * @param ratio current / baseline
   * @param regression how much worse, direction-adjusted (relative; for error rates the absolute rate difference)
   * @param pValue one-sided p-value that the current build is worse
   * @param adjustedPValue Holm-adjusted over the gated metrics
   * @param ci confidence interval of the ratio (or difference) the build-level test implies
   * @param noise between-build and within-build spread the decision used (history only)
   * @param runsNeeded for UNKNOWN: current runs that would likely settle it
   * @param reason the sentence the reports print
   */
  @JsonPropertyOrder({"endpoint", "metric", "unit", "direction", "method", "verdict", "baseline", "current",
      "ratio", "regression", "pValue", "adjustedPValue", "ci", "noise", "runsNeeded", "reason"})
  public record MetricResult(
      String endpoint,
      String metric,
      String unit,
      String direction,
      Method method,
      Verdict verdict,
      SideStats baseline,
      SideStats current,
      Double ratio,
      Double regression,
      Double pValue,
      Double adjustedPValue,
      Interval ci,
      Noise noise,
      Long runsNeeded,
      String reason) {}

  /**
   * Runs and their typical value; for error rates also the error and request counts (shown, never pooled for the
   * decision); for a history the number of builds.
   */
  public record SideStats(int runs, Double value, Long errors, Long requests, Integer builds) {}

  /**
   * The noise a build-level decision rested on, as relative spreads for ratios (0.03 = 3 %) or absolute ones for
   * error rates.
   *
   * @param betweenBuilds standard deviation of whole builds around their level
   * @param withinBuild standard deviation of single runs within a build
   */
  public record Noise(Double betweenBuilds, Double withinBuild) {}

  /**
   * A confidence interval.
   *
   * @param of {@code ratio} (current / baseline level) or {@code difference} (current − baseline level)
   * @param level e.g. 0.95
   */
  public record Interval(String of, double level, double low, double high) {}

  /**
   * A change point in the history of one metric (series of per-build medians, oldest first, the current build last).
   *
   * @param index position of the first build of the new level in that series
   * @param commit commit of that build, if known
   * @param time time of that build, if known
   * @param before mean level before
   * @param after mean level after
   * @param change after / before − 1
   * @param pValue p-value of the two levels (corrected for the search over split positions)
   * @param resetsBaseline whether the baseline window starts here (an improvement; a regression is never taken as
   *     the new normal until it is accepted)
   * @param accepted whether an accepted shift covers it
   */
  public record ChangePointResult(
      String endpoint,
      String metric,
      int index,
      String commit,
      Instant time,
      double before,
      double after,
      Double change,
      double pValue,
      boolean resetsBaseline,
      boolean accepted) {}
}
