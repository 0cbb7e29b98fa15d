package dev.slipway.image.scan;

import dev.slipway.common.InvalidInputException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Trivy's severities, lowest first; a finding without one is {@link #UNKNOWN}, as Trivy reports it. */
public enum Severity {
  UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL;

  /** Trivy's name of a severity; null, empty or unknown text is {@link #UNKNOWN}. */
  public static Severity of(String trivyName) {
    if (trivyName == null || trivyName.isBlank()) {
      return UNKNOWN;
    }
    try {
      return valueOf(trivyName.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return UNKNOWN;
    }
  }

  /**
   * A comma-separated list of severities ({@code CRITICAL,HIGH}), or {@code none} for the empty set; {@code where}
   * names the parameter in the error.
   */
  public static Set<Severity> parseList(String text, String where) throws InvalidInputException {
    Set<Severity> out = EnumSet.noneOf(Severity.class);
    if (text == null || text.isBlank() || text.strip().equalsIgnoreCase("none")) {
      return out;
    }
    for (String part : text.split(",")) {
      String p = part.strip().toUpperCase(Locale.ROOT);
      if (p.isEmpty()) {
        continue;
      }
      try {
        out.add(valueOf(p));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(where + ": '" + part.strip() + "' is not a severity; accepted: CRITICAL, "
            + "HIGH, MEDIUM, LOW, UNKNOWN (comma-separated), or none");
      }
    }
    return out;
  }
}
