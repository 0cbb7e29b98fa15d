package dev.slipway.perf.stats;

/**
 * How strict the regression gate is.
 *
 * @param alpha significance level of the one-sided tests; failures are Holm-corrected across all tested metrics
 * @param minEffect smallest regression of the median (fraction, 0.05 = 5 %) that fails the build
 * @param singleRunWarn with one run on a side: regression fraction that warns (the old 10 % rule)
 * @param singleRunFail with one run on a side: regression fraction that fails (the old 20 % rule)
 * @param minErrorRateIncrease smallest absolute increase of an error rate (0.001 = 0.1 percentage points) that fails
 * @param power power used to estimate how many runs would settle an UNKNOWN
 * @param bootstrapResamples resamples for the confidence interval of the median ratio (0 = no interval)
 * @param confidence confidence level of that interval
 * @param seed seed of the bootstrap, so the same inputs always give the same report
 */
public record GateConfig(
    double alpha,
    double minEffect,
    double singleRunWarn,
    double singleRunFail,
    double minErrorRateIncrease,
    double power,
    int bootstrapResamples,
    double confidence,
    long seed) {

  public static final double DEFAULT_ALPHA = 0.01;
  public static final double DEFAULT_MIN_EFFECT = 0.05;
  public static final double DEFAULT_SINGLE_RUN_WARN = 0.10;
  public static final double DEFAULT_SINGLE_RUN_FAIL = 0.20;
  public static final double DEFAULT_MIN_ERROR_RATE_INCREASE = 0.001;
  public static final long DEFAULT_SEED = 0x5117_3A7L;

  public GateConfig {
    check(alpha > 0 && alpha < 0.5, "perf.alpha", alpha, "a number in (0, 0.5), e.g. 0.01");
    check(minEffect >= 0 && minEffect < 1, "perf.minEffect", minEffect, "a fraction in [0, 1), e.g. 0.05 for 5 %");
    check(singleRunWarn >= 0 && singleRunWarn < 10, "perf.singleRunWarn", singleRunWarn, "a fraction, e.g. 0.10");
    check(singleRunFail >= singleRunWarn && singleRunFail < 10, "perf.singleRunFail", singleRunFail,
        "a fraction not below perf.singleRunWarn, e.g. 0.20");
    check(minErrorRateIncrease >= 0 && minErrorRateIncrease < 1, "perf.minErrorRateIncrease",
        minErrorRateIncrease, "a fraction in [0, 1), e.g. 0.001 for 0.1 percentage points");
    check(power > 0 && power < 1, "perf.power", power, "a number in (0, 1), e.g. 0.8");
    check(bootstrapResamples >= 0 && bootstrapResamples <= 1_000_000, "perf.bootstrapResamples",
        bootstrapResamples, "0 (no interval) to 1000000");
    check(confidence > 0 && confidence < 1, "perf.confidence", confidence, "a number in (0, 1), e.g. 0.95");
  }

  public static GateConfig defaults() {
    return new GateConfig(DEFAULT_ALPHA, DEFAULT_MIN_EFFECT, DEFAULT_SINGLE_RUN_WARN, DEFAULT_SINGLE_RUN_FAIL,
        DEFAULT_MIN_ERROR_RATE_INCREASE, 0.8, 2000, 0.95, DEFAULT_SEED);
  }

  public GateConfig withAlpha(double a) {
    return new GateConfig(a, minEffect, singleRunWarn, singleRunFail, minErrorRateIncrease, power,
        bootstrapResamples, confidence, seed);
  }

  public GateConfig withMinEffect(double e) {
    return new GateConfig(alpha, e, singleRunWarn, singleRunFail, minErrorRateIncrease, power,
        bootstrapResamples, confidence, seed);
  }

  public GateConfig withBootstrapResamples(int b) {
    return new GateConfig(alpha, minEffect, singleRunWarn, singleRunFail, minErrorRateIncrease, power, b,
        confidence, seed);
  }

  private static void check(boolean ok, String property, double value, String accepted) {
    if (!ok) {
      throw new IllegalArgumentException(property + " = " + value + " is not accepted; expected " + accepted);
    }
  }
}
