package dev.slipway.perf.stats;

/**
 * How strict the regression gate is.
 *
 * @param alpha significance level of the one-sided tests; failures are Holm-corrected across the gated metrics
 * @param minEffect smallest regression (relative, 0.05 = 5 %) that fails the build
 * @param warnThreshold without a history of builds: the regression that warns (the old 10 % rule)
 * @param failThreshold without a history of builds: the regression that fails (the old 20 % rule)
 * @param minErrorRateIncrease smallest absolute increase of an error rate (0.001 = 0.1 percentage points) that fails
 * @param power power used to estimate how many runs would settle an UNKNOWN
 * @param confidence level of the reported confidence intervals
 * @param minHistoryBuilds fewest builds of history for the build-level test; with fewer the thresholds decide
 */
public record GateConfig(
    double alpha,
    double minEffect,
    double warnThreshold,
    double failThreshold,
    double minErrorRateIncrease,
    double power,
    double confidence,
    int minHistoryBuilds) {

  public static final double DEFAULT_ALPHA = 0.01;
  public static final double DEFAULT_MIN_EFFECT = 0.05;
  public static final double DEFAULT_WARN_THRESHOLD = 0.10;
  public static final double DEFAULT_FAIL_THRESHOLD = 0.20;
  public static final double DEFAULT_MIN_ERROR_RATE_INCREASE = 0.001;
  public static final int DEFAULT_MIN_HISTORY_BUILDS = 5;

  public GateConfig {
    check(alpha > 0 && alpha < 0.5, "perf.alpha", alpha, "a number in (0, 0.5), e.g. 0.01");
    check(minEffect >= 0 && minEffect < 1, "perf.minEffect", minEffect, "a fraction in [0, 1), e.g. 0.05 for 5 %");
    check(warnThreshold >= 0 && warnThreshold < 10, "perf.warnThreshold", warnThreshold, "a fraction, e.g. 0.10");
    check(failThreshold >= warnThreshold && failThreshold < 10, "perf.failThreshold", failThreshold,
        "a fraction not below perf.warnThreshold, e.g. 0.20");
    check(minErrorRateIncrease >= 0 && minErrorRateIncrease < 1, "perf.minErrorRateIncrease",
        minErrorRateIncrease, "a fraction in [0, 1), e.g. 0.001 for 0.1 percentage points");
    check(power > 0 && power < 1, "perf.power", power, "a number in (0, 1), e.g. 0.8");
    check(confidence > 0 && confidence < 1, "perf.confidence", confidence, "a number in (0, 1), e.g. 0.95");
    check(minHistoryBuilds >= 3 && minHistoryBuilds <= 10_000, "perf.minHistoryBuilds", minHistoryBuilds,
        "a whole number >= 3 (the build-level test needs a between-build variance with 2 degrees of freedom)");
  }

  public static GateConfig defaults() {
    return new GateConfig(DEFAULT_ALPHA, DEFAULT_MIN_EFFECT, DEFAULT_WARN_THRESHOLD, DEFAULT_FAIL_THRESHOLD,
        DEFAULT_MIN_ERROR_RATE_INCREASE, 0.8, 0.95, DEFAULT_MIN_HISTORY_BUILDS);
  }

  public GateConfig withAlpha(double a) {
    return new GateConfig(a, minEffect, warnThreshold, failThreshold, minErrorRateIncrease, power, confidence,
        minHistoryBuilds);
  }

  public GateConfig withMinEffect(double e) {
    return new GateConfig(alpha, e, warnThreshold, failThreshold, minErrorRateIncrease, power, confidence,
        minHistoryBuilds);
  }

  public GateConfig withThresholds(double warn, double fail) {
    return new GateConfig(alpha, minEffect, warn, fail, minErrorRateIncrease, power, confidence, minHistoryBuilds);
  }

  private static void check(boolean ok, String property, double value, String accepted) {
    if (!ok) {
      throw new IllegalArgumentException(property + " = " + value + " is not accepted; expected " + accepted);
    }
  }
}
