package dev.slipway.image.check;

import dev.slipway.common.InvalidInputException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes such as {@code 150MB}: B, KB/MB/GB in powers of 1000 (as registries and {@code docker images} print
 * them), KiB/MiB/GiB in powers of 1024; a bare number is bytes.
 */
public final class ByteSize {
  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGT]I?B|B)?");

  private ByteSize() {}

  public static long parse(String value, String parameter) throws InvalidInputException {
    Matcher m = SIZE.matcher(value == null ? "" : value.strip().toUpperCase(Locale.ROOT));
    if (!m.matches()) {
      throw new InvalidInputException(parameter + " = '" + value + "': expected a size such as 150MB, 1.5GB, "
          + "200MiB or a number of bytes");
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2);
    long factor = switch (unit) {
      case "B" -> 1L;
      case "KB" -> 1_000L;
      case "MB" -> 1_000_000L;
      case "GB" -> 1_000_000_000L;
      case "TB" -> 1_000_000_000_000L;
      case "KIB" -> 1L << 10;
      case "MIB" -> 1L << 20;
      case "GIB" -> 1L << 30;
      default -> 1L << 40;
    };
    return Math.round(n * factor);
  }

  /** e.g. {@code 87.3 MB}. */
  public static String format(long bytes) {
    if (bytes < 1_000) {
      return bytes + " B";
    }
    if (bytes < 1_000_000) {
      return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
    }
    if (bytes < 1_000_000_000) {
      return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
    return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
  }
}
