package dev.slipway.image.check;

import dev.slipway.common.InvalidInputException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** What a violated rule does: fail the build, log a warning, or nothing (the rule is not evaluated). */
public enum Severity {
  ERROR, WARN, OFF;

  public static Severity parse(String value, String parameter) throws InvalidInputException {
    try {
      return valueOf(value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(parameter + ": severity '" + value.strip() + "' is not one of error, warn, off");
    }
  }

  /**
   * Per-rule severities from {@code rule=severity} pairs separated by commas, e.g.
   * {@code basePinned=error,ports=off}; rules not named keep their defaults.
   */
  public static Map<Rule, Severity> parseOverrides(String value, String parameter) throws InvalidInputException {
    Map<Rule, Severity> out = new EnumMap<>(Rule.class);
    for (Rule r : Rule.values()) {
      out.put(r, r.defaultSeverity());
    }
    if (value == null || value.isBlank()) {
      return out;
    }
    for (String pair : value.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq < 0) {
        throw new InvalidInputException(parameter + ": '" + pair.strip() + "' is not rule=severity (e.g. "
            + "basePinned=error,ports=off)");
      }
      out.put(Rule.byId(pair.substring(0, eq), parameter), parse(pair.substring(eq + 1), parameter));
    }
    return out;
  }
}
