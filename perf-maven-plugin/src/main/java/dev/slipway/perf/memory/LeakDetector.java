package dev.slipway.perf.memory;

import java.util.List;
import java.util.Locale;

/**
 * Decides from post-GC heap samples whether the heap leaks.
 *
 * <p>A leak needs two things: a significant upward Mann-Kendall trend over the whole analysed window with a
 * Theil-Sen slope of at least {@code minSlope} MB/min, <em>and</em> the same in the tail of the window (its last
 * {@code tailFraction}, at least {@link #MIN_TAIL} samples). The second test is what tells a leak from a cache that
 * fills up and then stays flat: both grow early in the window, but only a leak still grows at its end. A third
 * condition guards against a live set that saw-tooths (a session store purged every minute): Mann-Kendall assumes
 * independent samples, and the rising edges of several teeth make it "significant" although nothing accumulates.
 * So a leak also needs its <em>floor</em> to rise: the lowest sample of the last quarter of the window must be above
 * the lowest of the first quarter by at least half of what the minimum slope would add in between. A
 * saw-tooth whose period is shorter than a quarter of the window returns to the same floor in every quarter. A window
 * whose whole trend is significant and whose tail is flat is a {@link Verdict#PLATEAU}, starting at the earliest
 * sample from which the rest of the window shows no trend. Without enough samples the verdict is
 * {@link Verdict#INCONCLUSIVE} rather than a guess.
 *
 * <p>Post-GC samples (the live set) are used rather than the heap in use, so the saw-tooth of allocation and
 * collection does not look like growth.
 */
public final class LeakDetector {
  /** Fewest samples in the tail test: with 8 strictly rising samples Mann-Kendall's p is 0.0004. */
  public static final int MIN_TAIL = 8;

  /**
   * @param alpha significance of both Mann-Kendall tests (one-sided, upward)
   * @param minSlopeMbPerMin smallest Theil-Sen slope that counts as growth
   * @param tailFraction the part of the window at its end that must still grow for a leak
   * @param minSamples fewest post-GC samples for any verdict but inconclusive
   */
  public record Settings(double alpha, double minSlopeMbPerMin, double tailFraction, int minSamples) {
    public Settings {
      if (!(alpha > 0 && alpha < 0.5)) {
        throw new IllegalArgumentException("perf.memory.alpha = " + alpha + " is not accepted; expected a number in "
            + "(0, 0.5), e.g. 0.01");
      }
      if (!(minSlopeMbPerMin >= 0)) {
        throw new IllegalArgumentException("perf.memory.minSlope = " + minSlopeMbPerMin + " is not accepted; "
            + "expected MB/min >= 0, e.g. 1");
      }
      if (!(tailFraction > 0 && tailFraction < 1)) {
        throw new IllegalArgumentException("perf.memory.tailFraction = " + tailFraction + " is not accepted; "
            + "expected a number in (0, 1), e.g. 0.5");
      }
      if (minSamples < 4) {
        throw new IllegalArgumentException("perf.memory.minSamples = " + minSamples + " is not accepted; expected "
            + ">= 4");
      }
    }

    public static Settings defaults() {
      return new Settings(0.01, 1.0, 0.5, 8);
    }
  }

  /**
   * The outcome.
   *
   * @param verdict leak, plateau, stable or inconclusive
   * @param reason one sentence a developer reads first
   * @param samples post-GC samples analysed
   * @param whole trend over the analysed window (x in minutes, y in MB), absent when inconclusive
   * @param tail trend over the tail, absent when inconclusive
   * @param tailFrom seconds since load start where the tail begins
   * @param plateauFrom for a plateau: seconds since load start from which the heap stayed flat
   * @param plateauMb for a plateau: the median post-GC heap from then on
   * @param leakSince for a leak: the earliest time (seconds since load start) from which every longer window gave
   *     the leak verdict, i.e. how much load it took to see it
   */
  public record Analysis(
      Verdict verdict, String reason, int samples, Trend whole, Trend tail, Double tailFrom, Double plateauFrom,
      Double plateauMb, Double leakSince) {}

  private final Settings settings;

  public LeakDetector(Settings settings) {
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  /** Analyses the samples of the window [{@code from}, {@code to}] (seconds since the load started). */
  public Analysis analyse(List<HeapSample> all, double from, double to) {
    List<HeapSample> window = all.stream().filter(s -> s.t() >= from && s.t() <= to).toList();
    Analysis a = verdict(window, from, to);
    if (a.verdict() != Verdict.LEAK) {
      return a;
    }
    // How early would a shorter window have said the same, and kept saying it?
    Double since = null;
    for (int k = window.size() - 1; k >= settings.minSamples() - 1; k--) {
      if (verdict(window.subList(0, k + 1), from, window.get(k).t()).verdict() != Verdict.LEAK) {
        break;
      }
      since = window.get(k).t();
    }
    return new Analysis(a.verdict(), a.reason(), a.samples(), a.whole(), a.tail(), a.tailFrom(), null, null, since);
  }

  private Analysis verdict(List<HeapSample> w, double from, double to) {
    int n = w.size();
    if (n < settings.minSamples()) {
      return new Analysis(Verdict.INCONCLUSIVE, String.format(Locale.ROOT, "only %d full-GC sample(s) in the window; "
          + "%d are needed (lengthen perf.memory.duration or shorten perf.memory.gcInterval; a JVM run with "
          + "-XX:+DisableExplicitGC ignores the forced collections)", n, settings.minSamples()), n, null, null, null,
          null, null, null);
    }
    Trend whole = trend(w);
    double tailStartTime = to - settings.tailFraction() * (to - from);
    int tailStart = n;
    for (int i = 0; i < n; i++) {
      if (w.get(i).t() >= tailStartTime) {
        tailStart = i;
        break;
      }
    }
    tailStart = Math.min(tailStart, n - Math.min(n, MIN_TAIL));
    List<HeapSample> tailSamples = w.subList(tailStart, n);
    Trend tail = trend(tailSamples);
    double tailFrom = tailSamples.get(0).t();
    if (!grows(whole)) {
      return new Analysis(Verdict.STABLE, String.format(Locale.ROOT, "no significant growth of the post-GC heap: "
          + "%s", describe(whole)), n, whole, tail, tailFrom, null, null, null);
    }
    double floorRise = floorRise(w);
    double floorNeeded = 0.5 * settings.minSlopeMbPerMin() * (quarterMid(w, 3) - quarterMid(w, 0)) / 60;
    if (floorRise < floorNeeded) {
      return new Analysis(Verdict.STABLE, String.format(Locale.ROOT, "the post-GC heap rises and falls back (%s, but "
          + "its floor rose only %.1f MB from the first to the last quarter of the window): a saw-tooth, not a "
          + "leak", describe(whole), floorRise), n, whole, tail, tailFrom, null, null, null);
    }
    if (grows(tail)) {
      return new Analysis(Verdict.LEAK, String.format(Locale.ROOT, "the post-GC heap grows %.1f MB/min over the "
          + "window and is still growing at its end (%.1f MB/min over the last %d samples, Mann-Kendall p=%.2g)",
          whole.slope(), tail.slope(), tail.n(), tail.pUp()), n, whole, tail, tailFrom, null, null, null);
    }
    // It grew, and stopped growing: find where the flat part begins.
    int flat = tailStart;
    for (int k = tailStart; k >= 0; k--) {
      if (n - k >= 4 && !grows(trend(w.subList(k, n)))) {
        flat = k;
      } else if (n - k >= 4) {
        break;
      }
    }
    double[] level = w.subList(flat, n).stream().mapToDouble(HeapSample::mb).toArray();
    double plateauMb = Trend.median(level);
    return new Analysis(Verdict.PLATEAU, String.format(Locale.ROOT, "the post-GC heap grew (%.1f MB/min, "
        + "Mann-Kendall p=%.2g), then levelled off at %.1f MB from %.0f s on (%s over the last %d samples): a "
        + "cache or pool filling up, not a leak", whole.slope(), whole.pUp(), plateauMb, w.get(flat).t(),
        describe(tail), tail.n()), n, whole, tail, tailFrom, w.get(flat).t(), plateauMb, null);
  }

  /** Lowest sample of the last quarter minus lowest of the first quarter (by sample count), in MB. */
  static double floorRise(List<HeapSample> w) {
    return quarter(w, 3).stream().mapToDouble(HeapSample::mb).min().orElse(0)
        - quarter(w, 0).stream().mapToDouble(HeapSample::mb).min().orElse(0);
  }

  private static List<HeapSample> quarter(List<HeapSample> w, int q) {
    int n = w.size();
    return w.subList(q * n / 4, Math.max(q * n / 4 + 1, (q + 1) * n / 4));
  }

  private static double quarterMid(List<HeapSample> w, int q) {
    List<HeapSample> part = quarter(w, q);
    return (part.get(0).t() + part.get(part.size() - 1).t()) / 2;
  }

  private boolean grows(Trend t) {
    return t.pUp() < settings.alpha() && t.slope() >= settings.minSlopeMbPerMin();
  }

  private static String describe(Trend t) {
    return String.format(Locale.ROOT, "slope %.2f MB/min, Mann-Kendall p=%.2g", t.slope(), t.pUp());
  }

  /** Trend with x in minutes and y in MB, so the slope reads in MB/min. */
  static Trend trend(List<HeapSample> w) {
    double[] x = w.stream().mapToDouble(s -> s.t() / 60.0).toArray();
    double[] y = w.stream().mapToDouble(HeapSample::mb).toArray();
    return Trend.of(x, y);
  }
}
