package dev.slipway.perf.stats;

import java.util.Locale;

/** Whether a bigger value of a metric is an improvement (throughput) or a regression (latency, errors). */
public enum Direction {
  HIGHER_IS_BETTER,
  LOWER_IS_BETTER;

  /**
   * How much worse {@code ratio = current / baseline} is, as a fraction: 0.1 means 10 % worse, negative values are
   * improvements. For higher-is-better metrics a drop from 100 to 90 is a 10 % regression.
   */
  public double regression(double ratio) {
    return this == LOWER_IS_BETTER ? ratio - 1 : 1 - ratio;
  }

  /** Short form used in reports and configuration: {@code higher} or {@code lower}. */
  public String shortName() {
    return this == LOWER_IS_BETTER ? "lower" : "higher";
  }

  /**
   * Parses {@code higher}/{@code lower} (also {@code higher-is-better}, {@code HIGHER_IS_BETTER}); throws an
   * {@link IllegalArgumentException} naming the accepted values otherwise.
   */
  public static Direction parse(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT).replace('_', '-');
    return switch (t) {
      case "higher", "higher-is-better", "up" -> HIGHER_IS_BETTER;
      case "lower", "lower-is-better", "down" -> LOWER_IS_BETTER;
      default -> throw new IllegalArgumentException(
          "'" + text + "' is not a direction; accepted: higher, lower (or higher-is-better, lower-is-better)");
    };
  }
}
