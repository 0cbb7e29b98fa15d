package dev.slipway.perf.bench;

import dev.slipway.perf.stats.Decision;
import dev.slipway.perf.stats.Direction;
import dev.slipway.perf.stats.EDivisive;
import dev.slipway.perf.stats.Gate;
import dev.slipway.perf.stats.GateConfig;
import dev.slipway.perf.stats.Holm;
import dev.slipway.perf.stats.MetricInput;
import dev.slipway.perf.stats.Numbers;
import dev.slipway.perf.stats.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.MannWhitneyUTest;

/**
 * Validation harness for the regression gate (a benchmark, not a unit test). It simulates <em>builds</em>: every
 * build of every metric gets its own offset (lognormal, sd = the between-build spread: the runner, the neighbours,
 * the JIT's luck), and every run inside a build its own noise (lognormal 3 %, and 5 % of runs 25 % slower). It then
 * runs the gate's decision code on thousands of such histories with a fixed seed and prints how often it fails,
 * next to the old rule (runs of all builds pooled as if independent: a Mann-Whitney test on 30 history runs) and
 * the best any single-build test could do (an oracle z-test that knows both variances).
 *
 * <p>Run with {@code perf-maven-plugin/bench/validate-gate.sh [trials] [seed]}.
 */
public final class GateValidation {
  static final double WITHIN = 0.03;
  static final double OUTLIER_PROBABILITY = Double.parseDouble(System.getProperty("outliers", "0.05"));
  static final double OUTLIER_FACTOR = 1.25;
  static final int METRICS = 4;
  static final int HISTORY = 20;
  static final NormalDistribution N01 = NormalDistribution.of(0, 1);

  record Rates(double fail, double warn, double unknown, double oldFail) {}

  public static void main(String[] args) {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 20260101L;
    GateConfig config = GateConfig.defaults();
    long t0 = System.nanoTime();
    System.out.printf(Locale.ROOT, "# Regression gate validation%n%n");
    System.out.printf(Locale.ROOT, "trials per row: %d, seed %d. Each build of each metric: lognormal offset with sd "
        + "= between-build spread; each run: lognormal %.0f %% noise, %.0f %% of runs %.0f %% slower. %d gated "
        + "metrics (one Holm family), independent offsets; a regression hits one of them.%n", trials, seed,
        WITHIN * 100, OUTLIER_PROBABILITY * 100, (OUTLIER_FACTOR - 1) * 100, METRICS);
    System.out.printf(Locale.ROOT, "gate: alpha %s, min effect %s, thresholds without history %s/%s, min history "
        + "builds %d. old rule: Mann-Whitney on the newest 30 history runs pooled vs this build's runs, Holm, "
        + "min effect 5 %%.%n%n", config.alpha(), config.minEffect(), config.warnThreshold(),
        config.failThreshold(), config.minHistoryBuilds());

    System.out.println("## With 20 builds of history");
    System.out.println();
    System.out.println("| between-build spread | runs per build | change | FAIL | WARN | UNKNOWN | old rule FAIL "
        + "| best possible FAIL* |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    boolean quick = Boolean.getBoolean("quick");
    for (double spread : quick ? new double[] {0.03} : new double[] {0.02, 0.03, 0.05}) {
      for (int runs : new int[] {3, 5}) {
        for (double shift : quick ? new double[] {0, 0.15} : new double[] {0, 0.10, 0.15, 0.20, 0.30}) {
          Rates r = withHistory(config, spread, runs, shift, trials, seed);
          System.out.printf(Locale.ROOT, "| %.0f %% | %d | %s | %s | %s | %s | %s | %s |%n", spread * 100, runs,
              shift == 0 ? "none (any of 4 FAILs)" : String.format(Locale.ROOT, "+%.0f %%", shift * 100),
              p(r.fail()), p(r.warn()), p(r.unknown()), p(r.oldFail()),
              shift == 0 ? p(config.alpha()) : p(oracle(config, spread, runs, shift)));
        }
      }
    }
    System.out.println();
    System.out.println("\\* an oracle one-sided z-test at α / 4 (first Holm step) that knows the between-build "
        + "and within-build variances exactly and the history's level: no test on one build can do better.");
    if (quick) {
      return;
    }
    System.out.println();
    sharedOffset(config, trials, seed);
    System.out.println();
    System.out.println("## Without history (baseline = one earlier build), 3 runs per side");
    System.out.println();
    System.out.println("| between-build spread | change | FAIL | WARN | UNKNOWN |");
    System.out.println("|---|---|---|---|---|");
    for (double spread : new double[] {0.02, 0.03, 0.05}) {
      for (double shift : new double[] {0, 0.10, 0.30, 0.50}) {
        Rates r = noHistory(config, spread, 3, shift, trials, seed);
        System.out.printf(Locale.ROOT, "| %.0f %% | %s | %s | %s | %s |%n", spread * 100,
            shift == 0 ? "none (any of 4 FAILs)" : String.format(Locale.ROOT, "+%.0f %%", shift * 100),
            p(r.fail()), p(r.warn()), p(r.unknown()));
      }
    }
    System.out.println();
    changePoints(Math.max(200, trials / 5), seed);
    System.out.printf(Locale.ROOT, "%nelapsed %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  /** Twenty builds of history per metric, then this build; the first metric is shifted by {@code shift}. */
  static Rates withHistory(GateConfig config, double spread, int runs, double shift, int trials, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed ^ Double.hashCode(spread) * 31 ^ runs * 17L
        ^ Double.hashCode(shift) * 7L);
    Gate gate = new Gate(config);
    int fail = 0;
    int warn = 0;
    int unknown = 0;
    int oldFail = 0;
    for (int t = 0; t < trials; t++) {
      List<MetricInput> inputs = new ArrayList<>();
      double[] oldP = new double[METRICS];
      double[] oldEffect = new double[METRICS];
      for (int m = 0; m < METRICS; m++) {
        List<double[]> hist = new ArrayList<>();
        for (int b = 0; b < HISTORY; b++) {
          hist.add(build(rnd, spread, runs, 0));
        }
        double[] cur = build(rnd, spread, runs, m == 0 ? shift : 0);
        inputs.add(MetricInput.builds("m" + m, Direction.LOWER_IS_BETTER, hist, cur));
        // the old rule: the newest 30 runs, pooled as if they were independent
        double[] pooled = hist.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
        double[] newest = java.util.Arrays.copyOfRange(pooled, Math.max(0, pooled.length - 30), pooled.length);
        oldP[m] = MannWhitneyUTest.withDefaults().with(AlternativeHypothesis.GREATER_THAN).test(cur, newest)
            .getPValue();
        oldEffect[m] = Numbers.median(cur) / Numbers.median(newest) - 1;
      }
      List<Decision> ds = gate.decide(inputs);
      double[] adj = Holm.adjust(oldP);
      if (shift == 0) {
        fail += ds.stream().anyMatch(d -> d.verdict() == Verdict.FAIL) ? 1 : 0;
        warn += ds.stream().anyMatch(d -> d.verdict() == Verdict.WARN) ? 1 : 0;
        unknown += ds.stream().anyMatch(d -> d.verdict() == Verdict.UNKNOWN) ? 1 : 0;
        boolean old = false;
        for (int m = 0; m < METRICS; m++) {
          old |= adj[m] <= 0.01 && oldEffect[m] >= 0.05;
        }
        oldFail += old ? 1 : 0;
      } else {
        Verdict v = ds.get(0).verdict();
        fail += v == Verdict.FAIL ? 1 : 0;
        warn += v == Verdict.WARN ? 1 : 0;
        unknown += v == Verdict.UNKNOWN ? 1 : 0;
        oldFail += adj[0] <= 0.01 && oldEffect[0] >= 0.05 ? 1 : 0;
      }
    }
    return new Rates(frac(fail, trials), frac(warn, trials), frac(unknown, trials), frac(oldFail, trials));
  }

  /**
   * The same 20 builds of history, but each build has ONE offset shared by all gated metrics (a slow runner makes
   * p50, p99 and throughput worse together), which is how build noise behaves on real services. Rows where the
   * regression hits one metric and rows where it hits all four (a slower code path moves them together too).
   */
  static void sharedOffset(GateConfig config, int trials, long seed) {
    System.out.println("## With 20 builds of history, one build offset shared by the 4 gated metrics");
    System.out.println();
    System.out.println("| between-build spread | runs per build | change | FAIL | WARN | UNKNOWN | best possible FAIL* "
        + "| best possible, no Holm** |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (double spread : new double[] {0.03, 0.05}) {
      for (int runs : new int[] {3, 5}) {
        // {shift, 1 if it hits all four metrics}
        for (double[] change : new double[][] {{0, 0}, {0.10, 0}, {0.15, 0}, {0.30, 0}, {0.10, 1}}) {
          double s = change[0];
          boolean all = change[1] == 1;
          Rates r = withSharedOffset(config, spread, runs, s, all, trials, seed);
          String label = s == 0 ? "none (any of 4 FAILs)"
              : String.format(Locale.ROOT, "+%.0f %%%s", s * 100, all ? " on all 4 (any FAILs)" : "");
          System.out.printf(Locale.ROOT, "| %.0f %% | %d | %s | %s | %s | %s | %s | %s |%n", spread * 100, runs,
              label, p(r.fail()), p(r.warn()), p(r.unknown()),
              s == 0 ? p(config.alpha()) : p(oracle(config, spread, runs, s)),
              s == 0 ? "–" : p(oracle(config.alpha(), spread, runs, s)));
        }
      }
    }
    System.out.println();
    System.out.println("\\* as above (one metric, z-test at α / 4). \\*\\* the same oracle at α: the bound for a "
        + "family whose metrics move exactly together, where a joint test needs no Holm correction at all. For "
        + "\"on all 4\" both columns are the one-metric bounds; averaging four metrics only shrinks the within-build "
        + "part of the sd, not the shared build offset.");
  }

  /** Like {@link #withHistory} but one offset per build for all metrics; {@code all} shifts every metric. */
  static Rates withSharedOffset(GateConfig config, double spread, int runs, double shift, boolean all, int trials,
      long seed) {
    SplittableRandom rnd = new SplittableRandom(seed * 7919 ^ Double.hashCode(spread) * 31 ^ runs * 17L
        ^ Double.hashCode(shift) * 7L ^ (all ? 0x5bd1e995L : 0));
    Gate gate = new Gate(config);
    int fail = 0;
    int warn = 0;
    int unknown = 0;
    for (int t = 0; t < trials; t++) {
      double[] offsets = new double[HISTORY + 1];
      for (int b = 0; b < offsets.length; b++) {
        offsets[b] = spread * gaussian(rnd);
      }
      List<MetricInput> inputs = new ArrayList<>();
      for (int m = 0; m < METRICS; m++) {
        List<double[]> hist = new ArrayList<>();
        for (int b = 0; b < HISTORY; b++) {
          hist.add(runsAt(rnd, offsets[b], runs));
        }
        double[] cur = runsAt(rnd, offsets[HISTORY] + (m == 0 || all ? Math.log1p(shift) : 0), runs);
        inputs.add(MetricInput.builds("m" + m, Direction.LOWER_IS_BETTER, hist, cur));
      }
      List<Decision> ds = gate.decide(inputs);
      List<Decision> judged = shift == 0 || all ? ds : ds.subList(0, 1);
      fail += judged.stream().anyMatch(d -> d.verdict() == Verdict.FAIL) ? 1 : 0;
      warn += judged.stream().anyMatch(d -> d.verdict() == Verdict.WARN) ? 1 : 0;
      unknown += judged.stream().anyMatch(d -> d.verdict() == Verdict.UNKNOWN) ? 1 : 0;
    }
    return new Rates(frac(fail, trials), frac(warn, trials), frac(unknown, trials), 0);
  }

  /** One earlier build as baseline (no build history), 3 runs each. */
  static Rates noHistory(GateConfig config, double spread, int runs, double shift, int trials, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed * 13 ^ Double.hashCode(spread) ^ Double.hashCode(shift));
    Gate gate = new Gate(config);
    int fail = 0;
    int warn = 0;
    int unknown = 0;
    for (int t = 0; t < trials; t++) {
      List<MetricInput> inputs = new ArrayList<>();
      for (int m = 0; m < METRICS; m++) {
        inputs.add(MetricInput.runs("m" + m, Direction.LOWER_IS_BETTER, build(rnd, spread, runs, 0),
            build(rnd, spread, runs, m == 0 ? shift : 0)));
      }
      List<Decision> ds = gate.decide(inputs);
      if (shift == 0) {
        fail += ds.stream().anyMatch(d -> d.verdict() == Verdict.FAIL) ? 1 : 0;
        warn += ds.stream().anyMatch(d -> d.verdict() == Verdict.WARN) ? 1 : 0;
        unknown += ds.stream().anyMatch(d -> d.verdict() == Verdict.UNKNOWN) ? 1 : 0;
      } else {
        Verdict v = ds.get(0).verdict();
        fail += v == Verdict.FAIL ? 1 : 0;
        warn += v == Verdict.WARN ? 1 : 0;
        unknown += v == Verdict.UNKNOWN ? 1 : 0;
      }
    }
    return new Rates(frac(fail, trials), frac(warn, trials), frac(unknown, trials), 0);
  }

  /**
   * Power of the best single-build test: a z-test at α / METRICS whose variance is the true variance of this build's
   * median run around the true level (between-build variance plus the median's within-build variance, outliers
   * ignored, so this is an upper bound).
   */
  static double oracle(GateConfig config, double spread, int runs, double shift) {
    return oracle(config.alpha() / METRICS, spread, runs, shift);
  }

  static double oracle(double alpha, double spread, int runs, double shift) {
    double medianFactor = runs == 3 ? 1.343 / 3 : 1.429 / 5;
    double sd = Math.sqrt(spread * spread + WITHIN * WITHIN * medianFactor);
    double z = N01.inverseSurvivalProbability(alpha);
    return N01.cumulativeProbability(Math.log1p(shift) / sd - z);
  }

  /** E-Divisive on build medians: a step seen with only two builds after it, and stationary false alarms. */
  static void changePoints(int trials, long seed) {
    EDivisive detector = new EDivisive(50, 0.001, 0);
    System.out.println("## Change points (E-Divisive, window 50, p 0.001), 20 builds before the step, 3 runs per "
        + "build");
    System.out.println();
    System.out.println("| between-build spread | step | builds after it | found at the step (±1) | any change point |");
    System.out.println("|---|---|---|---|---|");
    for (double spread : new double[] {0.01, 0.03}) {
      for (double step : new double[] {0, 0.15, 0.30}) {
        for (int after : new int[] {2, 3, 5}) {
          if (step == 0 && after != 5) {
            continue;
          }
          SplittableRandom rnd = new SplittableRandom(seed * 31 + (long) (step * 100) * 7 + after
              + Double.hashCode(spread));
          int found = 0;
          int any = 0;
          for (int t = 0; t < trials; t++) {
            double[] series = new double[20 + after];
            for (int b = 0; b < series.length; b++) {
              series[b] = Numbers.median(build(rnd, spread, 3, b >= 20 ? step : 0));
            }
            List<EDivisive.ChangePoint> cps = detector.detect(series);
            any += cps.isEmpty() ? 0 : 1;
            found += cps.stream().anyMatch(c -> Math.abs(c.index() - 20) <= 1) ? 1 : 0;
          }
          System.out.printf(Locale.ROOT, "| %.0f %% | %s | %d | %s | %s |%n", spread * 100,
              step == 0 ? "none" : String.format(Locale.ROOT, "+%.0f %%", step * 100), after,
              step == 0 ? "–" : p(frac(found, trials)), p(frac(any, trials)));
        }
      }
    }
  }

  /** The runs of one build: a build offset shared by its runs, then per-run noise and occasional outliers. */
  static double[] build(SplittableRandom rnd, double spread, int runs, double shift) {
    return runsAt(rnd, spread * gaussian(rnd) + Math.log1p(shift), runs);
  }

  /** The runs of one build whose (log) offset is given. */
  static double[] runsAt(SplittableRandom rnd, double offset, int runs) {
    double[] v = new double[runs];
    for (int i = 0; i < runs; i++) {
      double x = 100 * Math.exp(offset + WITHIN * gaussian(rnd));
      v[i] = rnd.nextDouble() < OUTLIER_PROBABILITY ? x * OUTLIER_FACTOR : x;
    }
    return v;
  }

  static double gaussian(SplittableRandom rnd) {
    // Box-Muller; SplittableRandom has no nextGaussian on Java 17
    double u1 = rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  static double frac(int k, int n) {
    return (double) k / n;
  }

  static String p(double fraction) {
    return String.format(Locale.ROOT, "%.1f %%", fraction * 100);
  }
}
