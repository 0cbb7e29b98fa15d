package dev.slipway.perf.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.FisherExactTest;
import org.apache.commons.statistics.inference.MannWhitneyUTest;

/**
 * The regression gate's decision rule. For every metric:
 *
 * <ul>
 *   <li>per-run values with at least two runs on each side: a one-sided Mann-Whitney U test that the current build
 *       is worse. FAIL when it is significant after Holm correction across all tested metrics <em>and</em> the
 *       median is worse by at least {@link GateConfig#minEffect()}; WARN when significant but smaller (or not
 *       confirmed after correction); UNKNOWN when the runs cannot reach significance at all, or when the median is
 *       worse by at least the minimum effect but not significantly so (with an estimate of the runs that would
 *       settle it); PASS otherwise. A seeded bootstrap gives a confidence interval of the median ratio.</li>
 *   <li>error counts: a one-sided Fisher exact test on errors out of requests, with
 *       {@link GateConfig#minErrorRateIncrease()} as the minimum effect and a Newcombe score interval of the rate
 *       difference.</li>
 *   <li>one run on a side: no test is possible; the old fixed thresholds apply and the reason says so.</li>
 * </ul>
 *
 * <p>Deterministic: the same inputs and configuration always give the same decisions.
 */
public final class Gate {
  private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);
  /** Asymptotic relative efficiency of Mann-Whitney U to the t-test under normal noise. */
  private static final double MWU_EFFICIENCY = 3 / Math.PI;

  private final GateConfig config;
  private final double zAlpha;
  private final double zPower;

  public Gate(GateConfig config) {
    this.config = config;
    this.zAlpha = STANDARD_NORMAL.inverseSurvivalProbability(config.alpha());
    this.zPower = STANDARD_NORMAL.inverseCumulativeProbability(config.power());
  }

  public GateConfig config() {
    return config;
  }

  /** Decides every metric; the result is in the order of {@code inputs}. */
  public List<Decision> decide(List<? extends MetricInput> inputs) {
    List<Partial> partials = new ArrayList<>(inputs.size());
    for (MetricInput in : inputs) {
      partials.add(in instanceof MetricInput.Samples s ? samples(s) : counts((MetricInput.Counts) in));
    }
    int tested = (int) partials.stream().filter(p -> p.p != null).count();
    double[] ps = partials.stream().filter(p -> p.p != null).mapToDouble(p -> p.p).toArray();
    double[] adjusted = Holm.adjust(ps);
    List<Decision> out = new ArrayList<>(partials.size());
    int k = 0;
    for (Partial p : partials) {
      Double adj = p.p == null ? null : adjusted[k++];
      out.add(p.finish(adj, tested));
    }
    return out;
  }

  /** Convenience for a single metric (no correction for multiple metrics). */
  public Decision decide(MetricInput input) {
    return decide(List.of(input)).get(0);
  }

  // ---------------------------------------------------------------- per-run values

  private Partial samples(MetricInput.Samples s) {
    double[] b = s.baseline();
    double[] c = s.current();
    int m = b.length;
    int n = c.length;
    Direction dir = s.direction();
    if (n == 0 || m == 0) {
      String side = m == 0 ? "baseline" : "current build";
      return Partial.fixed(new Decision(s.key(), dir, Method.NONE, Verdict.UNKNOWN, m, n,
          Numbers.median(b), Numbers.median(c), null, null, null, null, null, null, null,
          "no runs on the " + side + " side; nothing to compare"));
    }
    double bm = Numbers.median(b);
    double cm = Numbers.median(c);
    Double ratio = ratio(bm, cm);
    Double reg = ratio == null ? null : dir.regression(ratio);
    if (Math.min(n, m) == 1) {
      return Partial.fixed(fixedThresholds(s.key(), dir, m, n, bm, cm, ratio, reg));
    }
    AlternativeHypothesis worse =
        dir == Direction.LOWER_IS_BETTER ? AlternativeHypothesis.GREATER_THAN : AlternativeHypothesis.LESS_THAN;
    AlternativeHypothesis better =
        dir == Direction.LOWER_IS_BETTER ? AlternativeHypothesis.LESS_THAN : AlternativeHypothesis.GREATER_THAN;
    MannWhitneyUTest mwu = MannWhitneyUTest.withDefaults();
    double p = mwu.with(worse).test(c, b).getPValue();
    double pBetter = mwu.with(better).test(c, b).getPValue();
    double[] ci = bootstrapRatio(s.key(), b, c);
    boolean attainable = Numbers.logChoose(n + m, n) >= Math.log(1 / config.alpha());
    double sigma = Numbers.robustLogSd(b, c);
    return new Partial(p) {
      @Override
      Decision finish(Double adj, int tested) {
        Verdict v;
        Long needed = null;
        String why;
        boolean significant = p <= config.alpha();
        if (!attainable) {
          v = Verdict.UNKNOWN;
          needed = runsNeeded(n, m, sigma);
          why = String.format(Locale.ROOT,
              "%d vs %d runs cannot reach significance at alpha %s; about %d current runs would settle it",
              n, m, num(config.alpha()), needed);
        } else if (significant && reg != null && reg > 0) {
          boolean confirmed = adj <= config.alpha();
          if (confirmed && reg >= config.minEffect()) {
            v = Verdict.FAIL;
            why = String.format(Locale.ROOT, "%s worse (p=%s, Holm-adjusted %s over %s), at least the %s "
                + "minimum effect", pct(reg), num(p), num(adj), metrics(tested), pct(config.minEffect()));
          } else if (!confirmed) {
            v = Verdict.WARN;
            // the fewest current runs whose smallest attainable p-value survives the first Holm step
            long n2 = n;
            while (n2 < 10_000 && Numbers.logChoose((int) n2 + m, (int) n2) < Math.log(tested / config.alpha())) {
              n2++;
            }
            needed = reg >= config.minEffect() ? Math.max(n2, n + 1L) : null;
            why = String.format(Locale.ROOT, "%s worse and significant alone (p=%s) but not after Holm correction "
                + "over %s (adjusted %s)%s", pct(reg), num(p), metrics(tested), num(adj),
                needed == null ? "" : "; at least " + needed + " current runs could confirm it");
          } else {
            v = Verdict.WARN;
            why = String.format(Locale.ROOT, "%s worse (p=%s): significant but below the %s minimum effect",
                pct(reg), num(p), pct(config.minEffect()));
          }
        } else if (significant) {
          v = Verdict.WARN;
          why = String.format(Locale.ROOT,
              "distribution shifted worse (p=%s) although the median is not worse", num(p));
        } else if (reg != null && reg >= config.minEffect()) {
          v = Verdict.UNKNOWN;
          needed = Math.max(runsNeeded(n, m, sigma), 2L * n);
          why = String.format(Locale.ROOT,
              "median %s worse but not significant (p=%s); about %d current runs would settle it",
              pct(reg), num(p), needed);
        } else {
          v = Verdict.PASS;
          if (pBetter <= config.alpha() && reg != null && reg < 0) {
            why = String.format(Locale.ROOT, "improved: %s better (p=%s)", pct(-reg), num(pBetter));
          } else {
            why = String.format(Locale.ROOT, "no significant regression (p=%s, median %s)", num(p),
                reg == null ? "n/a" : signedPct(reg));
          }
        }
        return new Decision(s.key(), dir, Method.MANN_WHITNEY_U, v, m, n, bm, cm, ratio, reg, p, adj,
            ci == null ? null : ci[0], ci == null ? null : ci[1], needed, why);
      }
    };
  }

  /** current / baseline; 0 → 0 (a sub-millisecond latency reported in whole ms) is no change, 0 → x has none. */
  private static Double ratio(double baseline, double current) {
    if (baseline != 0) {
      return current / baseline;
    }
    return current == 0 ? Double.valueOf(1.0) : null;
  }

  private Decision fixedThresholds(
      String key, Direction dir, int m, int n, double bm, double cm, Double ratio, Double reg) {
    Verdict v;
    String why;
    String rule = String.format(Locale.ROOT, "one run on a side, so the fixed thresholds %s warn / %s fail were "
        + "used instead of a test of significance", pct(config.singleRunWarn()), pct(config.singleRunFail()));
    if (reg == null) {
      v = Verdict.UNKNOWN;
      why = "baseline value is 0; " + rule;
    } else if (reg >= config.singleRunFail()) {
      v = Verdict.FAIL;
      why = pct(reg) + " worse; " + rule;
    } else if (reg >= config.singleRunWarn()) {
      v = Verdict.WARN;
      why = pct(reg) + " worse; " + rule;
    } else {
      v = Verdict.PASS;
      why = signedPct(reg) + "; " + rule;
    }
    return new Decision(key, dir, Method.FIXED_THRESHOLDS, v, m, n, bm, cm, ratio, reg, null, null, null, null,
        null, why);
  }

  /**
   * Current runs that would detect a regression of the minimum effect with the configured power, from a normal
   * approximation of the Mann-Whitney test (relative efficiency 3/π) and the robust noise of both sides. When the
   * baseline itself is too small, the runs needed on each side of an equal split.
   */
  long runsNeeded(int n, int m, double sigma) {
    double effect = Math.max(config.minEffect(), 0.01);
    double delta = Math.log(1 + effect);
    double k = sigma <= 0 ? 0 : Math.pow((zAlpha + zPower) * sigma / delta, 2) / MWU_EFFICIENCY;
    long need = k < m - 0.5 ? (long) Math.ceil(k * m / (m - k)) : (long) Math.ceil(2 * k);
    int baseline = k < m - 0.5 ? m : (int) Math.min(Integer.MAX_VALUE, Math.max(need, m));
    need = Math.max(need, 2);
    // the exact test's smallest p-value, 1 / C(n+m, n), must be able to reach alpha
    while (need < 10_000 && Numbers.logChoose((int) need + baseline, (int) need) < Math.log(1 / config.alpha())) {
      need++;
    }
    return need;
  }

  private double[] bootstrapRatio(String key, double[] b, double[] c) {
    int resamples = config.bootstrapResamples();
    if (resamples == 0) {
      return null;
    }
    SplittableRandom rnd = new SplittableRandom(config.seed() ^ (key.hashCode() * 0x9E3779B97F4A7C15L));
    double[] rb = new double[b.length];
    double[] rc = new double[c.length];
    double[] ratios = new double[resamples];
    int k = 0;
    for (int r = 0; r < resamples; r++) {
      for (int i = 0; i < rb.length; i++) {
        rb[i] = b[rnd.nextInt(b.length)];
      }
      for (int i = 0; i < rc.length; i++) {
        rc[i] = c[rnd.nextInt(c.length)];
      }
      Arrays.sort(rb);
      Arrays.sort(rc);
      double mb = Numbers.sortedMedian(rb, rb.length);
      if (mb != 0) {
        ratios[k++] = Numbers.sortedMedian(rc, rc.length) / mb;
      }
    }
    if (k == 0) {
      return null;
    }
    double[] sorted = Arrays.copyOf(ratios, k);
    Arrays.sort(sorted);
    double tail = (1 - config.confidence()) / 2;
    return new double[] {Numbers.sortedQuantile(sorted, tail), Numbers.sortedQuantile(sorted, 1 - tail)};
  }

  // ---------------------------------------------------------------- counts

  private Partial counts(MetricInput.Counts c) {
    if (c.baselineTotal() == 0 || c.currentTotal() == 0) {
      String side = c.baselineTotal() == 0 ? "baseline" : "current build";
      return Partial.fixed(new Decision(c.key(), Direction.LOWER_IS_BETTER, Method.NONE, Verdict.UNKNOWN,
          c.baselineRuns(), c.currentRuns(), Double.NaN, Double.NaN, null, null, null, null, null, null, null,
          "no requests on the " + side + " side; nothing to compare"));
    }
    double br = (double) c.baselineEvents() / c.baselineTotal();
    double cr = (double) c.currentEvents() / c.currentTotal();
    Double ratio = br > 0 ? cr / br : null;
    double diff = cr - br;
    // Fisher's test takes int counts whose grand total fits an int; huge totals are scaled down together, which
    // only makes the test more conservative
    double f = Math.min(1, (Integer.MAX_VALUE / 2.0) / ((double) c.currentTotal() + c.baselineTotal()));
    int[] cur = scaled(c.currentEvents(), c.currentTotal(), f);
    int[] base = scaled(c.baselineEvents(), c.baselineTotal(), f);
    double p = FisherExactTest.withDefaults().with(AlternativeHypothesis.GREATER_THAN)
        .test(new int[][] {{cur[0], cur[1] - cur[0]}, {base[0], base[1] - base[0]}}).getPValue();
    double[] ci = newcombe(c.currentEvents(), c.currentTotal(), c.baselineEvents(), c.baselineTotal());
    return new Partial(p) {
      @Override
      Decision finish(Double adj, int tested) {
        Verdict v;
        Long needed = null;
        String why;
        boolean significant = p <= config.alpha();
        String rates = String.format(Locale.ROOT, "error rate %s -> %s", pct(br), pct(cr));
        if (significant && adj <= config.alpha() && diff >= config.minErrorRateIncrease()) {
          v = Verdict.FAIL;
          why = String.format(Locale.ROOT, "%s (Fisher exact p=%s, Holm-adjusted %s over %s)", rates,
              num(p), num(adj), metrics(tested));
        } else if (significant) {
          v = Verdict.WARN;
          why = adj > config.alpha()
              ? String.format(Locale.ROOT, "%s: significant alone (p=%s) but not after Holm correction over %s",
                  rates, num(p), metrics(tested))
              : String.format(Locale.ROOT, "%s: significant (p=%s) but below the minimum increase of %s", rates,
                  num(p), pct(config.minErrorRateIncrease()));
        } else if (diff > 0 && diff >= config.minErrorRateIncrease()) {
          v = Verdict.UNKNOWN;
          long requests = requestsNeeded(br, config.minErrorRateIncrease() > 0 ? config.minErrorRateIncrease()
              : diff);
          double perRun = (double) c.currentTotal() / Math.max(1, c.currentRuns());
          needed = Math.max(c.currentRuns() + 1L, (long) Math.ceil(requests / perRun));
          why = String.format(Locale.ROOT, "%s but not significant (p=%s); about %d requests (%d runs) on each "
              + "side would settle it", rates, num(p), requests, needed);
        } else {
          v = Verdict.PASS;
          why = String.format(Locale.ROOT, "%s, no significant increase (p=%s)", rates, num(p));
        }
        return new Decision(c.key(), Direction.LOWER_IS_BETTER, Method.FISHER_EXACT, v, c.baselineRuns(),
            c.currentRuns(), br, cr, ratio, diff, p, adj, ci[0], ci[1], needed, why);
      }
    };
  }

  /** Requests per side for a two-proportion test to see {@code base + increase} with the configured power. */
  long requestsNeeded(double base, double increase) {
    double p1 = base;
    double p2 = Math.min(1, base + increase);
    double pbar = (p1 + p2) / 2;
    double num = zAlpha * Math.sqrt(2 * pbar * (1 - pbar)) + zPower * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
    return (long) Math.ceil(num * num / ((p2 - p1) * (p2 - p1)));
  }

  private static int[] scaled(long events, long total, double f) {
    if (f >= 1) {
      return new int[] {(int) events, (int) total};
    }
    return new int[] {(int) Math.round(events * f), (int) Math.round(total * f)};
  }

  /** Newcombe's hybrid score interval (from two Wilson intervals) of the rate difference current − baseline. */
  private double[] newcombe(long e1, long n1, long e2, long n2) {
    double z = STANDARD_NORMAL.inverseSurvivalProbability((1 - config.confidence()) / 2);
    double p1 = (double) e1 / n1;
    double p2 = (double) e2 / n2;
    double[] w1 = wilson(p1, n1, z);
    double[] w2 = wilson(p2, n2, z);
    double d = p1 - p2;
    double lo = d - Math.sqrt(Math.pow(p1 - w1[0], 2) + Math.pow(w2[1] - p2, 2));
    double hi = d + Math.sqrt(Math.pow(w1[1] - p1, 2) + Math.pow(p2 - w2[0], 2));
    return new double[] {lo, hi};
  }

  private static double[] wilson(double p, long n, double z) {
    double z2 = z * z;
    double denom = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denom;
    double half = z / denom * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
  }

  // ---------------------------------------------------------------- formatting

  static String pct(double fraction) {
    double v = fraction * 100;
    return String.format(Locale.ROOT, Math.abs(v) >= 1 || v == 0 ? "%.1f %%" : "%.2f %%", v);
  }

  static String metrics(int count) {
    return count == 1 ? "1 metric" : count + " metrics";
  }

  static String signedPct(double fraction) {
    return (fraction > 0 ? "+" : "") + pct(fraction) + (fraction > 0 ? " worse" : fraction < 0 ? " better" : "");
  }

  static String num(double p) {
    if (p == 0) {
      return "0";
    }
    return p < 0.001 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.4f", p);
  }

  /** A decision waiting for the Holm adjustment, which needs every metric's p-value first. */
  private abstract static class Partial {
    final Double p;

    Partial(Double p) {
      this.p = p;
    }

    abstract Decision finish(Double adjusted, int tested);

    static Partial fixed(Decision d) {
      return new Partial(null) {
        @Override
        Decision finish(Double adjusted, int tested) {
          return d;
        }
      };
    }
  }
}
