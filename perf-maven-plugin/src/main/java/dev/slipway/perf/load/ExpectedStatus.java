package dev.slipway.perf.load;

import dev.slipway.common.InvalidInputException;
import java.util.BitSet;

/**
 * The response statuses a request counts as success: a list of codes and classes such as {@code 200,204} or
 * {@code 2xx,3xx} (the default). Anything else is a {@code status} error.
 */
public final class ExpectedStatus {
  public static final ExpectedStatus DEFAULT = parseUnchecked("2xx,3xx");
  private final BitSet ok;
  private final String text;

  private ExpectedStatus(BitSet ok, String text) {
    this.ok = ok;
    this.text = text;
  }

  public boolean accepts(int status) {
    return status >= 0 && status < 1000 && ok.get(status);
  }

  /** Parses {@code text}; {@code where} names the parameter or file position for the error message. */
  public static ExpectedStatus parse(String text, String where) throws InvalidInputException {
    BitSet bits = new BitSet(1000);
    for (String part : text.split(",")) {
      String p = part.trim().toLowerCase(java.util.Locale.ROOT);
      if (p.matches("[1-5]xx")) {
        int base = (p.charAt(0) - '0') * 100;
        bits.set(base, base + 100);
      } else if (p.matches("[1-5][0-9][0-9]")) {
        bits.set(Integer.parseInt(p));
      } else {
        throw new InvalidInputException(where + ": expected status '" + part.trim()
            + "' is not a status code (e.g. 200) or class (e.g. 2xx); write a comma-separated list like 200,204");
      }
    }
    return new ExpectedStatus(bits, text.trim());
  }

  private static ExpectedStatus parseUnchecked(String text) {
    try {
      return parse(text, "default");
    } catch (InvalidInputException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
