package dev.slipway.common;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in POMs and YAML: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 7d} (also
 * {@code sec}, {@code min}, decimals such as {@code 1.5s}), a bare number of seconds (Artillery's phases), or ISO-8601
 * ({@code PT30S}). Errors name where the value came from.
 */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|sec|m|min|h|d)?");

  private Durations() {}

  /** Parses a required duration; {@code where} names the parameter, element or file position. */
  public static Duration parse(String text, String where) throws InvalidInputException {
    if (text == null || text.isBlank()) {
      throw new InvalidInputException(where + ": missing duration (e.g. 30s, 500ms, 2m)");
    }
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.startsWith("p")) {
      try {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw notADuration(text, where);
      }
    }
    Matcher m = SHORT.matcher(t);
    if (!m.matches()) {
      throw notADuration(text, where);
    }
    double v = Double.parseDouble(m.group(1));
    double nanos = switch (m.group(2) == null ? "s" : m.group(2)) {
      case "ms" -> v * 1e6;
      case "m", "min" -> v * 60e9;
      case "h" -> v * 3600e9;
      case "d" -> v * 86400e9;
      default -> v * 1e9;
    };
    return Duration.ofNanos((long) nanos);
  }

  /** Like {@link #parse}, but an unset value is {@code null} (the caller's default applies). */
  public static Duration parseOptional(String text, String where) throws InvalidInputException {
    return text == null || text.isBlank() ? null : parse(text, where);
  }

  /**
   * Like {@link #parseOptional}, but zero and negative durations (e.g. {@code 0s}, ISO {@code PT-15S}) are rejected:
   * for intervals and timeouts, where they would make a wait spin or end before it began.
   */
  public static Duration parsePositive(String text, String where) throws InvalidInputException {
    Duration d = parseOptional(text, where);
    if (d != null && (d.isZero() || d.isNegative())) {
      throw new InvalidInputException(where + ": '" + text + "' must be longer than zero; write e.g. 500ms, 30s, 2m");
    }
    return d;
  }

  /** Like {@link #parseOptional}, but negative durations are rejected (zero is allowed: "no wait"). */
  public static Duration parseNonNegative(String text, String where) throws InvalidInputException {
    Duration d = parseOptional(text, where);
    if (d != null && d.isNegative()) {
      throw new InvalidInputException(where + ": '" + text + "' is negative; write 0s for none, or e.g. 30s");
    }
    return d;
  }

  /** A short human form for log lines: {@code 500 ms}, {@code 30 s}, {@code 10 min}. */
  public static String format(Duration d) {
    if (d.toMillis() % 1000 != 0 || d.isZero()) {
      return d.toMillis() + " ms";
    }
    long s = d.toSeconds();
    return s % 60 == 0 ? (s / 60) + " min" : s + " s";
  }

  private static InvalidInputException notADuration(String text, String where) {
    return new InvalidInputException(where + ": '" + text + "' is not a duration; write e.g. 500ms, 30s, 2m, 1h, 7d, "
        + "a number of seconds or ISO-8601 PT30S");
  }
}
