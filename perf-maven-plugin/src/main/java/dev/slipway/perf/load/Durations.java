package dev.slipway.perf.load;

import dev.slipway.common.InvalidInputException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as people write them in POMs and YAML: {@code 30s}, {@code 500ms}, {@code 2m}, {@code 1h}, or a
 * bare number of seconds (Artillery's phases use plain seconds). */
public final class Durations {
  private static final Pattern P = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|sec|m|min|h)?");

  private Durations() {}

  public static Duration parse(String text, String where) throws InvalidInputException {
    if (text == null) {
      throw new InvalidInputException(where + ": missing duration (e.g. 30s, 500ms, 2m)");
    }
    Matcher m = P.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new InvalidInputException(where + ": '" + text + "' is not a duration; write e.g. 30s, 500ms, 2m, 1h "
          + "or a number of seconds");
    }
    double v = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double nanos = switch (unit) {
      case "ms" -> v * 1e6;
      case "s", "sec" -> v * 1e9;
      case "m", "min" -> v * 60e9;
      case "h" -> v * 3600e9;
      default -> throw new IllegalStateException(unit);
    };
    return Duration.ofNanos((long) nanos);
  }
}
