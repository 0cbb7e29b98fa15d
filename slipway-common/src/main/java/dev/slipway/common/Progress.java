package dev.slipway.common;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Emits plain progress lines for long work at most once per interval (plus the final one), so CI logs show that
 * something is moving without a line per event.
 */
public final class Progress {
  private final Log log;
  private final long intervalNanos;
  private final LongSupplier clock;
  private long last = Long.MIN_VALUE;

  public Progress(Log log, Duration interval) {
    this(log, interval, System::nanoTime);
  }

  public Progress(Log log, Duration interval, LongSupplier nanoClock) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
    this.clock = nanoClock;
  }

  /** Logs {@code line} if the interval has passed since the last logged line, or if {@code force}. */
  public synchronized boolean report(String line, boolean force) {
    long now = clock.getAsLong();
    if (force || last == Long.MIN_VALUE || now - last >= intervalNanos) {
      last = now;
      log.info(line);
      return true;
    }
    return false;
  }

  /** Human-readable byte count: 1.5 MB, 320 kB, 12 B (decimal units, as registries and docker report). */
  public static String bytes(long n) {
    if (n < 1000) {
      return n + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = n;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
