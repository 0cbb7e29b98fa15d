package dev.slipway.perf.stats;

/**
 * The gate's decision for one metric, with the numbers it rests on.
 *
 * @param key metric name
 * @param direction which way is better
 * @param method how it was decided
 * @param verdict the answer
 * @param baselineRuns runs (samples) on the baseline side
 * @param currentRuns runs on the current side
 * @param baselineValue median of the baseline runs (for counts: the pooled event rate)
 * @param currentValue median of the current runs (for counts: the pooled event rate)
 * @param ratio currentValue / baselineValue, null when the baseline value is 0
 * @param regression how much worse, direction-adjusted: a relative fraction of the median for samples, the absolute
 *     rate difference for counts; negative is better
 * @param pValue one-sided p-value that the current build is worse, null when no test was possible
 * @param adjustedPValue Holm-adjusted p-value across all tested metrics
 * @param ciLow lower end of the confidence interval (of the median ratio for samples; of the rate difference for
 *     counts), null when none could be computed
 * @param ciHigh upper end of that interval
 * @param runsNeeded for UNKNOWN: how many current runs (for counts: requests) would likely settle it, else null
 * @param reason one sentence a person reads in the report
 */
public record Decision(
    String key,
    Direction direction,
    Method method,
    Verdict verdict,
    int baselineRuns,
    int currentRuns,
    double baselineValue,
    double currentValue,
    Double ratio,
    Double regression,
    Double pValue,
    Double adjustedPValue,
    Double ciLow,
    Double ciHigh,
    Long runsNeeded,
    String reason) {}
