package dev.slipway.deploy.pipeline;

import dev.slipway.common.InvalidInputException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Parses durations as people write them in POMs: {@code 30s}, {@code 10m}, {@code 1h}, {@code 500ms}, or ISO-8601. */
public final class Durations {
  private Durations() {}

  public static Duration parse(String text, String parameter) throws InvalidInputException {
    if (text == null || text.isBlank()) {
      return null;
    }
    String t = text.strip().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("p")) {
        return Duration.parse(text.strip().toUpperCase(Locale.ROOT));
      }
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).strip()));
      }
      char unit = t.charAt(t.length() - 1);
      String number = Character.isDigit(unit) ? t : t.substring(0, t.length() - 1).strip();
      long n = Long.parseLong(number);
      return switch (unit) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> {
          if (Character.isDigit(unit)) {
            yield Duration.ofSeconds(n);
          }
          throw new NumberFormatException(t);
        }
      };
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new InvalidInputException(parameter + ": '" + text + "' is not a duration; write e.g. 500ms, 30s, 10m, 1h"
          + " or ISO-8601 PT30S");
    }
  }

  public static String format(Duration d) {
    if (d.toMillis() % 1000 != 0 || d.isZero()) {
      return d.toMillis() + " ms";
    }
    long s = d.toSeconds();
    return s % 60 == 0 ? (s / 60) + " min" : s + " s";
  }
}
