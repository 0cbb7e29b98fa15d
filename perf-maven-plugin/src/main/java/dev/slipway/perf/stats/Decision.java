package dev.slipway.perf.stats;

/**
 * The gate's decision for one metric, with the numbers it rests on.
 *
 * @param key metric name
 * @param direction which way is better
 * @param scale ratio or difference
 * @param method how it was decided
 * @param verdict the answer
 * @param baselineRuns runs on the baseline side (all history builds together)
 * @param currentRuns runs of the current build
 * @param historyBuilds builds of history the decision used (0 without history)
 * @param baselineValue the baseline's typical value: the median over builds of each build's median (history), or the
 *     median of the runs
 * @param currentValue the median of the current build's runs
 * @param ratio currentValue / baselineValue, null when the baseline value is 0
 * @param regression how much worse, direction-adjusted: a relative fraction for ratios, the absolute difference for
 *     error rates; negative is better
 * @param pValue one-sided p-value that the current build is worse, null when no test was possible
 * @param adjustedPValue Holm-adjusted p-value across the gated metrics
 * @param ciLow lower end of the confidence interval of the ratio (or difference) that the test implies, null if none
 * @param ciHigh upper end of that interval
 * @param betweenBuildSd estimated standard deviation of whole builds around their level (log scale for ratios), null
 *     when unknown (no history)
 * @param withinRunSd estimated standard deviation of single runs within a build, null when not estimable
 * @param runsNeeded for UNKNOWN: current runs that would likely settle it (accounting for Holm), else null
 * @param reason one sentence a person reads in the report
 */
public record Decision(
    String key,
    Direction direction,
    Scale scale,
    Method method,
    Verdict verdict,
    int baselineRuns,
    int currentRuns,
    int historyBuilds,
    double baselineValue,
    double currentValue,
    Double ratio,
    Double regression,
    Double pValue,
    Double adjustedPValue,
    Double ciLow,
    Double ciHigh,
    Double betweenBuildSd,
    Double withinRunSd,
    Long runsNeeded,
    String reason) {

  /** A copy with another verdict and reason (a change point or error budget may make a decision stricter). */
  public Decision with(Verdict v, String why) {
    return new Decision(key, direction, scale, method, v, baselineRuns, currentRuns, historyBuilds, baselineValue,
        currentValue, ratio, regression, pValue, adjustedPValue, ciLow, ciHigh, betweenBuildSd, withinRunSd,
        runsNeeded, why);
  }
}
