package dev.slipway.perf.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.TDistribution;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.MannWhitneyUTest;

/**
 * The regression gate's decision rule. The build is the unit of replication: the runs of one build share its
 * machine, its neighbours and its JIT luck, so they move together, and an unchanged build can sit a few per cent
 * away from the last one however many runs it has. For every gated metric:
 *
 * <ul>
 *   <li><b>With a history of builds</b> (at least {@link GateConfig#minHistoryBuilds()} in the same context): each
 *       build is summarised by the median of its runs (on a log scale for ratios); the spread of those build values
 *       in the history estimates the between-build variance, the runs inside builds the within-build variance. This
 *       build's value is tested against the history with a one-sided Student-t prediction interval (df = builds −
 *       1) whose variance is the between-build variance plus this build's own within-build noise (which more runs
 *       shrink) plus the uncertainty of the history's mean ({@link Method#BUILD_T_TEST}). FAIL when the
 *       Holm-adjusted p-value is at most α <em>and</em> the regression is at least the minimum effect; WARN when
 *       significant but smaller, or significant alone but not after Holm; UNKNOWN when the regression is at least
 *       the minimum effect but not significant; PASS otherwise.</li>
 *   <li><b>Without that history</b> the between-build noise is unknown, and no test on runs can tell a slower build
 *       from a slower machine. The fixed thresholds decide ({@link Method#THRESHOLDS}: by default ≥ 10 % WARN,
 *       ≥ 20 % FAIL, with any number of runs), and a one-sided Mann-Whitney U test on the runs can only add a
 *       warning.</li>
 *   <li>Error rates are compared per run (the median run), never pooled over runs, as absolute differences with
 *       {@link GateConfig#minErrorRateIncrease()} as the minimum effect; a binomial floor keeps a history of
 *       error-free runs from making any error "infinitely significant".</li>
 * </ul>
 *
 * <p>The Holm family is the list passed to {@link #decide(List)}: the metrics the user gates on. Deterministic: the
 * same inputs and configuration always give the same decisions.
 */
public final class Gate {
  private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);
  /** Asymptotic relative efficiency of Mann-Whitney U to the t-test under normal noise. */
  private static final double MWU_EFFICIENCY = 3 / Math.PI;
  /**
   * Tolerance when a regression is compared with a threshold: 120 / 100 − 1 is 0.19999999999999996 in binary
   * floating point, and "exactly 20 % worse" must meet a 20 % threshold.
   */
  static final double EPS = 1e-9;
  /**
   * n × Var(median of n standard normal values), n = 1..12, by simulation (2·10⁵ samples each); π/2 beyond. The
   * variance of a build's median run is σ² times this over n.
   */
  private static final double[] MEDIAN_VARIANCE = {1.0, 1.0, 1.343, 1.189, 1.429, 1.286, 1.467, 1.352, 1.492,
      1.387, 1.506, 1.409};
  /** Added to every value of a ratio metric that has a zero somewhere (0 ms from a tool with ms resolution). */
  static final double ZERO_OFFSET = 0.5;

  private final GateConfig config;

  public Gate(GateConfig config) {
    this.config = config;
  }

  public GateConfig config() {
    return config;
  }

  /** Decides every metric, Holm-correcting over all of them; the result is in the order of {@code inputs}. */
  public List<Decision> decide(List<MetricInput> inputs) {
    List<Partial> partials = new ArrayList<>(inputs.size());
    for (MetricInput in : inputs) {
      partials.add(partial(in));
    }
    int tested = (int) partials.stream().filter(p -> p.p != null).count();
    double[] ps = partials.stream().filter(p -> p.p != null).mapToDouble(p -> p.p).toArray();
    double[] adjusted = Holm.adjust(ps);
    List<Decision> out = new ArrayList<>(partials.size());
    int k = 0;
    for (Partial p : partials) {
      Double adj = p.p == null ? null : adjusted[k++];
      out.add(p.finish(adj, Math.max(1, tested)));
    }
    return out;
  }

  /** Convenience for a single metric (a family of one). */
  public Decision decide(MetricInput input) {
    return decide(List.of(input)).get(0);
  }

  private Partial partial(MetricInput in) {
    double[] base = in.baselineRuns();
    double[] cur = in.current();
    if (cur.length == 0 || base.length == 0) {
      String side = base.length == 0 ? "baseline" : "current build";
      Decision d = new Decision(in.key(), in.direction(), in.scale(), Method.NONE, Verdict.UNKNOWN, base.length,
          cur.length, in.history().size(), Numbers.median(base), Numbers.median(cur), null, null, null, null, null,
          null, null, null, null, "no runs on the " + side + " side; nothing to compare");
      return Partial.fixed(d);
    }
    if (in.history().size() >= config.minHistoryBuilds()) {
      return buildTest(in);
    }
    return thresholds(in);
  }

  // ---------------------------------------------------------------- build-level test against a history

  /** One build-level t-test: level and spread of the history's build summaries, and this build's summary. */
  private record BuildStats(double mean, double diff, double sd, double tau2, double sigma2, double varMean, int k) {}

  /**
   * The prediction-interval statistics for one way of summarising a build ({@code best}: its best run, else its
   * median run).
   */
  private static BuildStats buildStats(List<double[]> hist, double[] cur, boolean best, boolean lowerIsBetter,
      double binomialFloor) {
    int k = hist.size();
    double[] level = new double[k];
    double meanFactor = 0;
    for (int i = 0; i < k; i++) {
      double[] b = hist.get(i);
      level[i] = summary(b, best, lowerIsBetter);
      meanFactor += factor(b.length, best) / k;
    }
    double sigma2 = Math.max(withinVariance(hist, cur), binomialFloor);
    double mean = Arrays.stream(level).average().orElse(0);
    double sB2 = variance(level);
    double tau2 = Math.max(0, sB2 - sigma2 * meanFactor);
    double varMean = Math.max(sB2, sigma2 * meanFactor) / k;
    double sd = Math.sqrt(tau2 + sigma2 * factor(cur.length, best) + varMean);
    return new BuildStats(mean, summary(cur, best, lowerIsBetter) - mean, sd, tau2, sigma2, varMean, k);
  }

  /**
   * Robust variance of single runs around their build's level: from the median absolute difference of all pairs of
   * runs of the same build (for normal noise 0.6745·√2·σ), so an occasional outlier run does not inflate it.
   */
  static double withinVariance(List<double[]> hist, double[] cur) {
    List<Double> diffs = new ArrayList<>();
    List<double[]> all = new ArrayList<>(hist);
    all.add(cur);
    for (double[] b : all) {
      for (int i = 0; i < b.length; i++) {
        for (int j = i + 1; j < b.length; j++) {
          diffs.add(Math.abs(b[i] - b[j]));
        }
      }
    }
    if (diffs.isEmpty()) {
      return 0;
    }
    double mad = Numbers.median(diffs.stream().mapToDouble(Double::doubleValue).toArray());
    double sd = mad / (0.6744897501960817 * Math.sqrt(2));
    return sd * sd;
  }

  private static double summary(double[] runs, boolean best, boolean lowerIsBetter) {
    if (!best) {
      return Numbers.median(runs);
    }
    double b = runs[0];
    for (double v : runs) {
      b = lowerIsBetter ? Math.min(b, v) : Math.max(b, v);
    }
    return b;
  }

  private static double oneSided(BuildStats s, boolean lowerIsBetter, TDistribution t) {
    double worse = lowerIsBetter ? s.diff() : -s.diff();
    if (s.sd() == 0) {
      return worse > 0 ? 0 : 1;
    }
    return t.survivalProbability(worse / s.sd());
  }

  private Partial buildTest(MetricInput in) {
    boolean relative = in.scale() == Scale.RELATIVE;
    boolean lower = in.direction() == Direction.LOWER_IS_BETTER;
    double offset = relative && hasNonPositive(in) ? ZERO_OFFSET : 0;
    List<double[]> hist = new ArrayList<>();
    for (double[] b : in.history()) {
      hist.add(transform(b, relative, offset));
    }
    double[] cur = transform(in.current(), relative, offset);
    int k = hist.size();
    int nc = cur.length;
    double floor = 0;
    if (!relative && in.trialsPerRun() > 0) {
      // a run's error rate is at least binomial: an error-free history does not make one error certain
      double all = Arrays.stream(in.baselineRuns()).average().orElse(0);
      double rate = Math.max(all, 0.5 / in.trialsPerRun());
      floor = rate * (1 - rate) / in.trialsPerRun();
    }
    TDistribution t = TDistribution.of(k - 1);
    BuildStats med = buildStats(hist, cur, false, lower, floor);
    double p = oneSided(med, lower, t);
    if (relative && nc > 1) {
      // Interference (a noisy neighbour, a GC storm) only ever makes runs worse, and two bad runs out of three make
      // a bad median. A regression of the code makes every run worse, the best one too: failing needs both the
      // median run and the best run to be significantly worse (an intersection-union test, still of level alpha).
      p = Math.max(p, oneSided(buildStats(hist, cur, true, lower, floor), lower, t));
    }
    double w = lower ? med.diff() : -med.diff();
    double pBetter = med.sd() == 0 ? (w < 0 ? 0 : 1) : t.cumulativeProbability(w / med.sd());
    double mean = med.mean();
    double diff = med.diff();
    double sd = med.sd();
    double tau2 = med.tau2();
    double sigma2 = med.sigma2();
    double varMean = med.varMean();
    double tq = t.inverseSurvivalProbability((1 - config.confidence()) / 2);
    double baseValue = relative ? Math.exp(mean) - offset : mean;
    double curValue = Numbers.median(in.current());
    Double ratio;
    double reg;
    Double ciLow;
    Double ciHigh;
    if (relative) {
      double r = Math.exp(diff);
      ratio = r;
      reg = in.direction().regression(r);
      ciLow = Math.exp(diff - tq * sd);
      ciHigh = Math.exp(diff + tq * sd);
    } else {
      ratio = baseValue > 0 ? curValue / baseValue : null;
      reg = w;
      ciLow = diff - tq * sd;
      ciHigh = diff + tq * sd;
    }
    double minEffect = relative ? config.minEffect() : config.minErrorRateIncrease();
    double between = Math.sqrt(tau2);
    double within = Math.sqrt(sigma2);
    int baselineRuns = in.baselineRuns().length;
    String noise = relative
        ? String.format(Locale.ROOT, "builds vary by %s, runs by %s", pct(Math.expm1(between)),
            pct(Math.expm1(within)))
        : String.format(Locale.ROOT, "builds vary by %s, runs by %s", pp(between), pp(within));
    String effect = relative ? pct(reg) : pp(reg);
    String minText = relative ? pct(minEffect) : pp(minEffect);
    double effectScale = relative ? Math.log1p(minEffect) : minEffect;
    // a change within the builds' usual spread is normal variation (PASS); only a change as large as the fail
    // threshold that the history still cannot confirm is UNKNOWN
    double large = relative ? Math.max(minEffect, config.failThreshold()) : Math.max(minEffect,
        10 * config.minErrorRateIncrease());
    String zero = offset > 0 ? " (values of 0 compared with " + ZERO_OFFSET + " added to every value)" : "";
    return new Partial(p) {
      @Override
      Decision finish(Double adj, int tested) {
        Verdict v;
        Long needed = null;
        String why;
        String against = String.format(Locale.ROOT, "this build against %d builds of history (%s)", k, noise);
        boolean significant = p <= config.alpha();
        boolean big = reg >= minEffect - EPS;
        if (significant && adj <= config.alpha() && big) {
          v = Verdict.FAIL;
          why = String.format(Locale.ROOT, "%s worse, %s: p=%s, Holm-adjusted %s over %s, at least the %s "
              + "minimum effect%s", effect, against, num(p), num(adj), metrics(tested), minText, zero);
        } else if (significant && reg > 0) {
          if (adj > config.alpha()) {
            v = Verdict.WARN;
            needed = big ? runsNeededForBuild(tested, effectScale, tau2, varMean, sigma2, nc) : null;
            why = String.format(Locale.ROOT, "%s worse, %s: significant alone (p=%s) but not after Holm "
                + "correction over %s (adjusted %s)%s", effect, against, num(p), metrics(tested), num(adj),
                needed == null || needed <= 0 ? "" : "; about " + needed + " runs per build would confirm it");
          } else {
            v = Verdict.WARN;
            why = String.format(Locale.ROOT, "%s worse, %s (p=%s): significant but below the %s minimum effect",
                effect, against, num(p), minText);
          }
        } else if (reg >= large - EPS) {
          v = Verdict.UNKNOWN;
          needed = runsNeededForBuild(tested, effectScale, tau2, varMean, sigma2, nc);
          why = String.format(Locale.ROOT, "%s worse but not significant, %s (p=%s)%s", effect, against, num(p),
              needed == null || needed <= 0
                  ? "; more runs cannot settle it because whole builds vary this much: more builds of history "
                      + "(perf:baseline) or a quieter machine can"
                  : "; about " + needed + " runs in this build would settle it");
          if (needed != null && needed <= 0) {
            needed = null;
          }
        } else {
          v = Verdict.PASS;
          if (pBetter <= config.alpha() && reg < 0) {
            why = String.format(Locale.ROOT, "improved: %s better, %s (p=%s)", relative ? pct(-reg) : pp(-reg),
                against, num(pBetter));
          } else {
            why = String.format(Locale.ROOT, "no significant regression (%s, p=%s), %s", relative
                ? signedPct(reg) : signedPp(reg), num(p), against);
          }
        }
        return new Decision(in.key(), in.direction(), in.scale(), Method.BUILD_T_TEST, v, baselineRuns, nc, k,
            baseValue, curValue, ratio, reg, p, adj, ciLow, ciHigh, relative ? Math.expm1(between) : between,
            relative ? Math.expm1(within) : within, needed, why);
      }
    };
  }

  /**
   * Runs in the current build for which a regression of {@code d} (the minimum effect, on the log scale for ratios)
   * would be significant after the first Holm step with the configured power; 0 when no number of runs can do it (the between-build variance alone is
   * too large), null when it cannot be estimated.
   */
  Long runsNeededForBuild(int tested, double d, double tau2, double varMean, double sigma2, int nc) {
    if (d <= 0) {
      return null;
    }
    double z = STANDARD_NORMAL.inverseSurvivalProbability(config.alpha() / tested)
        + STANDARD_NORMAL.inverseCumulativeProbability(config.power());
    double allowed = Math.pow(d / z, 2) - tau2 - varMean;
    if (allowed <= 0) {
      return 0L;
    }
    if (sigma2 <= 0) {
      return (long) Math.max(nc + 1, 2);
    }
    long n = Math.max(nc + 1, 2);
    while (n < 10_000 && sigma2 * medianFactor((int) n) > allowed) {
      n++;
    }
    return n;
  }

  // ---------------------------------------------------------------- no history: thresholds + rank test

  private Partial thresholds(MetricInput in) {
    boolean relative = in.scale() == Scale.RELATIVE;
    double[] b = in.baselineRuns();
    double[] c = in.current();
    int m = b.length;
    int n = c.length;
    double bm = Numbers.median(b);
    double cm = Numbers.median(c);
    Double ratio = bm != 0 ? Double.valueOf(cm / bm) : cm == 0 ? Double.valueOf(1.0) : null;
    double reg;
    String zero = "";
    if (relative) {
      if (bm > 0) {
        reg = in.direction().regression(cm / bm);
      } else {
        // 0 ms from a tool with millisecond resolution: compare with half a unit added, so 0 -> 3 ms can fail
        reg = in.direction().regression((cm + ZERO_OFFSET) / (bm + ZERO_OFFSET));
        zero = " (baseline 0: compared with " + ZERO_OFFSET + " added to both sides)";
      }
    } else {
      reg = in.direction() == Direction.LOWER_IS_BETTER ? cm - bm : bm - cm;
    }
    Double p = null;
    if (n >= 2 && m >= 2) {
      AlternativeHypothesis worse = in.direction() == Direction.LOWER_IS_BETTER
          ? AlternativeHypothesis.GREATER_THAN : AlternativeHypothesis.LESS_THAN;
      double pv = MannWhitneyUTest.withDefaults().with(worse).test(c, b).getPValue();
      p = Double.isNaN(pv) ? 1.0 : pv;
    }
    double sigma = Numbers.robustLogSd(b, c);
    int k = in.history().size();
    String unknownNoise = k == 0
        ? "no history of builds, so the between-build noise is unknown"
        : "only " + k + " build(s) of history (fewer than perf.minHistoryBuilds=" + config.minHistoryBuilds()
            + "), so the between-build noise is unknown";
    String rule = String.format(Locale.ROOT, "%s and the fixed thresholds decide (%s warn, %s fail)", unknownNoise,
        pct(config.warnThreshold()), pct(config.failThreshold()));
    Double pFinal = p;
    String finalZero = zero;
    return new Partial(p) {
      @Override
      Decision finish(Double adj, int tested) {
        Verdict v;
        Long needed = null;
        String why;
        String test = pFinal == null ? "" : String.format(Locale.ROOT, "; Mann-Whitney p=%s (Holm %s over %s)",
            num(pFinal), num(adj), metrics(tested));
        if (relative) {
          String effect = pct(reg) + " worse" + finalZero;
          if (reg >= config.failThreshold() - EPS) {
            v = Verdict.FAIL;
            why = effect + ": " + rule + test;
          } else if (reg >= config.warnThreshold() - EPS) {
            v = Verdict.WARN;
            why = effect + ": " + rule + test;
          } else if (pFinal != null && adj <= config.alpha() && reg >= config.minEffect() - EPS) {
            v = Verdict.WARN;
            why = effect + ", significant by Mann-Whitney but below the fail threshold: " + rule + test;
          } else {
            v = Verdict.PASS;
            why = signedPct(reg) + ": " + rule + test;
          }
        } else {
          // error rates without history: the error budget (perf.maxErrorRate) is what fails; this only warns
          String effect = "error rate of the median run " + pct(bm) + " -> " + pct(cm);
          if (reg >= config.minErrorRateIncrease() - EPS && pFinal != null && adj <= config.alpha()) {
            v = Verdict.WARN;
            why = effect + ", significant by Mann-Whitney over the runs; " + unknownNoise
                + ", so only the error budget (perf.maxErrorRate) fails" + test;
          } else if (reg >= config.minErrorRateIncrease() - EPS && reg > 0) {
            v = Verdict.UNKNOWN;
            why = effect + ", not significant over the runs; " + unknownNoise + test;
          } else {
            v = Verdict.PASS;
            why = effect + test;
          }
        }
        return new Decision(in.key(), in.direction(), in.scale(), Method.THRESHOLDS, v, m, n, k, bm, cm, ratio, reg,
            pFinal, adj, null, null, null, null, needed, why);
      }
    };
  }

  /**
   * Runs per side for the one-sided Mann-Whitney test to see the minimum effect with the configured power at the
   * first Holm step (α / tested), from a normal approximation (relative efficiency 3/π) and the robust run-to-run
   * noise; at least enough that the exact test's smallest p-value, 1 / C(n+m, n), can reach that level.
   */
  long runsNeeded(int n, int m, double sigma, int tested) {
    double level = config.alpha() / Math.max(1, tested);
    double zAlpha = STANDARD_NORMAL.inverseSurvivalProbability(level);
    double zPower = STANDARD_NORMAL.inverseCumulativeProbability(config.power());
    double effect = Math.max(config.minEffect(), 0.01);
    double delta = Math.log(1 + effect);
    double k = sigma <= 0 ? 0 : 2 * Math.pow((zAlpha + zPower) * sigma / delta, 2) / MWU_EFFICIENCY;
    long need = Math.max(2, (long) Math.ceil(k));
    while (need < 10_000 && Numbers.logChoose((int) (2 * need), (int) need) < Math.log(1 / level)) {
      need++;
    }
    return Math.max(need, Math.max(n, m) + 1L);
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Var(largest of n standard normal values), n = 1..10 (so also of the smallest); beyond, it keeps shrinking
   * slowly and 0.34 is used.
   */
  private static final double[] EXTREME_VARIANCE = {1.0, 0.6817, 0.5595, 0.4917, 0.4475, 0.4159, 0.3919, 0.3729,
      0.3574, 0.3443};

  /** Var(build summary) / σ² for a build of n runs: its median run, or its best run. */
  static double factor(int n, boolean best) {
    if (!best) {
      return medianFactor(n);
    }
    return n <= 0 ? 1 : n <= EXTREME_VARIANCE.length ? EXTREME_VARIANCE[n - 1] : 0.34;
  }

  /** Var(median of n runs) / σ². */
  static double medianFactor(int n) {
    if (n <= 0) {
      return 1;
    }
    return (n <= MEDIAN_VARIANCE.length ? MEDIAN_VARIANCE[n - 1] : Math.PI / 2) / n;
  }

  private static boolean hasNonPositive(MetricInput in) {
    for (double v : in.baselineRuns()) {
      if (v <= 0) {
        return true;
      }
    }
    for (double v : in.current()) {
      if (v <= 0) {
        return true;
      }
    }
    return false;
  }

  private static double[] transform(double[] v, boolean log, double offset) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = log ? Math.log(v[i] + offset) : v[i];
    }
    return out;
  }

  private static double sumSquares(double[] v) {
    if (v.length < 2) {
      return 0;
    }
    double m = Arrays.stream(v).average().orElse(0);
    double s = 0;
    for (double x : v) {
      s += (x - m) * (x - m);
    }
    return s;
  }

  private static double variance(double[] v) {
    return v.length < 2 ? 0 : sumSquares(v) / (v.length - 1);
  }

  // ---------------------------------------------------------------- formatting

  static String pct(double fraction) {
    double v = fraction * 100;
    return String.format(Locale.ROOT, Math.abs(v) >= 1 || v == 0 ? "%.1f %%" : "%.2f %%", v);
  }

  static String metrics(int count) {
    return count == 1 ? "1 metric" : count + " metrics";
  }

  static String pp(double fraction) {
    return String.format(Locale.ROOT, "%.2f pp", fraction * 100);
  }

  static String signedPp(double fraction) {
    return String.format(Locale.ROOT, "%+.2f pp", fraction * 100);
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
