package dev.slipway.perf.memory;

import java.util.List;
import java.util.Locale;

/**
 * Decides from post-GC heap samples whether the heap leaks. Three questions, in order:
 *
 * <ol>
 *   <li>Does the post-GC heap trend upwards over the analysed window? Mann-Kendall, one-sided, at {@code alpha}.
 *       No: {@link Verdict#STABLE}.
 *   <li>Does its <em>floor</em> rise? The lowest sample of the last quarter of the window must be above the lowest
 *       of the first quarter by at least half of what {@code minSlope} would add in between, and by at least a
 *       quarter of how far the heap swings within a quarter. Mann-Kendall assumes
 *       independent samples: a live set that saw-tooths (a session store purged every minute) has rising edges
 *       that make it "significant" although nothing accumulates, and such a store returns to the same floor in
 *       every quarter. No: {@link Verdict#STABLE}.
 *   <li>Is it still growing at the end? The tail of the window (its last {@code tailFraction}, at least
 *       {@link #MIN_TAIL} samples) has a Mann-Kendall trend at {@code tailAlpha} and a Theil-Sen slope of at least
 *       {@code minSlope} MB/min. Yes: {@link Verdict#LEAK}. No: the heap grew and stopped, a cache or pool filling
 *       up: {@link Verdict#PLATEAU}, from where a "rise, then flat" least-squares fit puts the bend, provided
 *       the rise was at least {@code minSlope} (else {@link Verdict#STABLE}: slow growth below the minimum).
 * </ol>
 *
 * Without {@code minSamples} samples the verdict is {@link Verdict#INCONCLUSIVE} rather than a guess. Post-GC
 * samples (the live set) are used rather than the heap in use, so the saw-tooth of allocation and collection does
 * not look like growth.
 */
public final class LeakDetector {
  /** Fewest samples in the tail test: with 8 strictly rising samples Mann-Kendall's p is 0.0004. */
  public static final int MIN_TAIL = 8;
  /**
   * The floor must also rise by this share of how far the heap swings within a quarter: sampling every few seconds
   * catches a saw-tooth's trough late by up to swing × interval / period, which alone can look like a rising floor.
   */
  static final double FLOOR_SHARE_OF_SWING = 0.25;

  /**
   * @param alpha significance of the Mann-Kendall test over the whole window (one-sided, upward)
   * @param tailAlpha significance of the test over the tail: it only has to show the growth has not stopped
   * @param minSlopeMbPerMin smallest Theil-Sen slope that counts as growth
   * @param tailFraction the part of the window at its end that must still grow for a leak
   * @param minSamples fewest post-GC samples for any verdict but inconclusive
   */
  public record Settings(
      double alpha, double tailAlpha, double minSlopeMbPerMin, double tailFraction, int minSamples) {
    public Settings {
      if (!(tailAlpha > 0 && tailAlpha < 0.5)) {
        throw new IllegalArgumentException("perf.memory.tailAlpha = " + tailAlpha + " is not accepted; expected a "
            + "number in (0, 0.5), e.g. 0.05");
      }
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
      return new Settings(0.01, 0.05, 1.0, 0.5, 8);
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
    if (!(whole.pUp() < settings.alpha())) {
      return new Analysis(Verdict.STABLE, String.format(Locale.ROOT, "no significant growth of the post-GC heap: "
          + "%s", describe(whole)), n, whole, tail, tailFrom, null, null, null);
    }
    double floorRise = floorRise(w);
    double floorNeeded = Math.max(0.5 * settings.minSlopeMbPerMin() * (quarterMid(w, 3) - quarterMid(w, 0)) / 60,
        FLOOR_SHARE_OF_SWING * medianQuarterSwing(w));
    if (floorRise < floorNeeded) {
      return new Analysis(Verdict.STABLE, String.format(Locale.ROOT, "the post-GC heap does not accumulate (%s, but "
          + "its floor rose only %.1f MB from the first to the last quarter of the window, %.1f MB needed): a "
          + "saw-tooth or noise, not a leak", describe(whole), floorRise, floorNeeded), n, whole, tail, tailFrom,
          null, null, null);
    }
    if (stillGrows(tail)) {
      return new Analysis(Verdict.LEAK, String.format(Locale.ROOT, "the post-GC heap grows %.1f MB/min over the "
          + "window (Mann-Kendall p=%.2g) and is still growing at its end: %.1f MB/min over the last %d samples "
          + "(p=%.2g)", whole.slope(), whole.pUp(), tail.slope(), tail.n(), tail.pUp()), n, whole, tail, tailFrom,
          null, null, null);
    }
    // It grew, and stopped growing: where did it level off, and was the growth before that real?
    Hinge h = hinge(w);
    if (h.slope() < settings.minSlopeMbPerMin()) {
      return new Analysis(Verdict.STABLE, String.format(Locale.ROOT, "the post-GC heap grows slowly: %s, below the "
          + "minimum of %s MB/min", describe(whole), settings.minSlopeMbPerMin()), n, whole, tail, tailFrom, null,
          null, null);
    }
    double plateauMb = Trend.median(w.stream().filter(x -> x.t() >= h.from()).mapToDouble(HeapSample::mb)
        .toArray());
    return new Analysis(Verdict.PLATEAU, String.format(Locale.ROOT, "the post-GC heap grew %.1f MB/min until %.0f s "
        + "(floor +%.1f MB), then levelled off at %.1f MB (%s over the last %d samples): a cache or pool filling "
        + "up, not a leak", h.slope(), h.from(), floorRise, plateauMb, describe(tail), tail.n()), n, whole, tail,
        tailFrom, h.from(), plateauMb, null);
  }

  /** A rise at {@code slope} MB/min that stops at {@code from} seconds. */
  record Hinge(double from, double slope) {}

  /**
   * Least-squares fit of "rise, then flat": y = a + b · min(t, τ), τ chosen among the sample times (not the last
   * two) to minimise the squared error; b in MB/min.
   */
  static Hinge hinge(List<HeapSample> w) {
    double bestSse = Double.POSITIVE_INFINITY;
    Hinge best = new Hinge(w.get(0).t(), 0);
    for (int k = 1; k < w.size() - 2; k++) {
      double tau = w.get(k).t();
      int n = w.size();
      double sx = 0;
      double sy = 0;
      double sxx = 0;
      double sxy = 0;
      for (HeapSample p : w) {
        double x = Math.min(p.t(), tau) / 60;
        sx += x;
        sy += p.mb();
        sxx += x * x;
        sxy += x * p.mb();
      }
      double den = n * sxx - sx * sx;
      if (den <= 0) {
        continue;
      }
      double b = (n * sxy - sx * sy) / den;
      double a = (sy - b * sx) / n;
      double sse = 0;
      for (HeapSample p : w) {
        double e = p.mb() - (a + b * Math.min(p.t(), tau) / 60);
        sse += e * e;
      }
      if (sse < bestSse) {
        bestSse = sse;
        best = new Hinge(tau, b);
      }
    }
    return best;
  }

  /** Median over the four quarters of (highest − lowest sample), in MB: how far the heap swings. */
  static double medianQuarterSwing(List<HeapSample> w) {
    double[] swings = new double[4];
    for (int q = 0; q < 4; q++) {
      List<HeapSample> part = quarter(w, q);
      swings[q] = part.stream().mapToDouble(HeapSample::mb).max().orElse(0)
          - part.stream().mapToDouble(HeapSample::mb).min().orElse(0);
    }
    return Trend.median(swings);
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

  private boolean stillGrows(Trend t) {
    return t.pUp() < settings.tailAlpha() && t.slope() >= settings.minSlopeMbPerMin();
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
