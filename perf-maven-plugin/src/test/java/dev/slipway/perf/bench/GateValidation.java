package dev.slipway.perf.bench;

import dev.slipway.perf.stats.Decision;
import dev.slipway.perf.stats.Direction;
import dev.slipway.perf.stats.EDivisive;
import dev.slipway.perf.stats.Numbers;
import dev.slipway.perf.stats.Gate;
import dev.slipway.perf.stats.GateConfig;
import dev.slipway.perf.stats.MetricInput;
import dev.slipway.perf.stats.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Validation harness for the regression gate (a benchmark, not a unit test): generates synthetic run series with
 * lognormal noise and outlier runs, runs the gate's decision code on thousands of them with a fixed seed, and prints
 * how often it fails / warns / cannot tell, next to the old single-run fixed-threshold rule.
 *
 * <p>Run with {@code perf-maven-plugin/bench/validate-gate.sh [trials]}.
 */
public final class GateValidation {
  static final double OUTLIER_PROBABILITY = 0.05;
  static final double OUTLIER_FACTOR = 1.25;

  /** How the candidate runs differ from history. */
  record Scenario(String name, double shift, double noiseFactor, boolean ramp) {}

  record Size(int current, int history) {}

  record Rates(double fail, double warn, double unknown, double pass, double old10, double old20) {}

  public static void main(String[] args) {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 20260101L;
    GateConfig config = GateConfig.defaults().withBootstrapResamples(0);
    List<Scenario> scenarios = List.of(
        new Scenario("shift 0 %", 0, 1, false),
        new Scenario("shift +2 %", 0.02, 1, false),
        new Scenario("shift +5 %", 0.05, 1, false),
        new Scenario("shift +10 %", 0.10, 1, false),
        new Scenario("shift +20 %", 0.20, 1, false),
        new Scenario("variance x2, no shift", 0, 2, false),
        new Scenario("ramp 0 -> +10 % over 40 runs", 0, 1, true));
    List<Size> sizes = List.of(new Size(10, 30), new Size(10, 10), new Size(5, 5), new Size(1, 1));
    double[] noises = {0.03, 0.05, 0.10};

    System.out.printf(Locale.ROOT, "# Regression gate validation%n%n");
    System.out.printf(Locale.ROOT, "trials per row: %d, seed %d, lognormal noise sigma = noise, %.0f %% of runs "
        + "inflated by %.0f %%, lower-is-better metric (latency)%n", trials, seed, OUTLIER_PROBABILITY * 100,
        (OUTLIER_FACTOR - 1) * 100);
    System.out.printf(Locale.ROOT, "gate: alpha %s, min effect %s, single-run thresholds %s/%s (bootstrap CI off: "
        + "it does not change decisions)%n", config.alpha(), config.minEffect(), config.singleRunWarn(),
        config.singleRunFail());
    System.out.printf(Locale.ROOT, "old rule: last candidate run vs last history run, alarm at >= 10 %%, fail at "
        + ">= 20 %%%n%n");
    System.out.println("| noise | runs (cur vs hist) | scenario | FAIL | WARN | UNKNOWN | PASS | old >=10 % | "
        + "old >=20 % |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    long t0 = System.nanoTime();
    for (double noise : noises) {
      for (Size size : sizes) {
        for (Scenario sc : scenarios) {
          Rates r = run(config, noise, size, sc, trials, seed);
          System.out.printf(Locale.ROOT, "| %.0f %% | %d vs %d | %s | %s | %s | %s | %s | %s | %s |%n",
              noise * 100, size.current(), size.history(), sc.name(), p(r.fail()), p(r.warn()), p(r.unknown()),
              p(r.pass()), p(r.old10()), p(r.old20()));
        }
      }
    }
    System.out.println();
    System.out.println("## Tuning at the target configuration (5 % noise, 10 vs 30 runs)");
    System.out.println();
    System.out.println("| alpha | min effect | FP (FAIL at 0 %) | FAIL at +5 % | FAIL at +10 % | FAIL+WARN at 0 % |");
    System.out.println("|---|---|---|---|---|---|");
    for (double alpha : new double[] {0.001, 0.01, 0.05}) {
      for (double eff : new double[] {0.03, 0.05}) {
        GateConfig c = config.withAlpha(alpha).withMinEffect(eff);
        Rates zero = run(c, 0.05, new Size(10, 30), scenarios.get(0), trials, seed);
        Rates five = run(c, 0.05, new Size(10, 30), scenarios.get(2), trials, seed);
        Rates ten = run(c, 0.05, new Size(10, 30), scenarios.get(3), trials, seed);
        System.out.printf(Locale.ROOT, "| %s | %.0f %% | %s | %s | %s | %s |%n", alpha, eff * 100, p(zero.fail()),
            p(five.fail()), p(ten.fail()), p(zero.fail() + zero.warn()));
      }
    }
    System.out.println();
    familyWise(config, trials, seed);
    changePoints(Math.max(100, trials / 10), seed);
    System.out.printf(Locale.ROOT, "%nelapsed %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  /** Seven independent unchanged metrics: how often does any of them fail, with and without Holm? */
  static void familyWise(GateConfig config, int trials, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed + 7);
    Gate gate = new Gate(config);
    int anyFail = 0;
    int anyFailUncorrected = 0;
    int anyWarn = 0;
    for (int t = 0; t < trials; t++) {
      List<MetricInput> metrics = new ArrayList<>();
      for (int k = 0; k < 7; k++) {
        metrics.add(new MetricInput.Samples("m" + k, Direction.LOWER_IS_BETTER, series(rnd, 30, 0.05, 0, 1, null),
            series(rnd, 10, 0.05, 0, 1, null)));
      }
      List<Decision> ds = gate.decide(metrics);
      if (ds.stream().anyMatch(d -> d.verdict() == Verdict.FAIL)) {
        anyFail++;
      }
      if (ds.stream().anyMatch(d -> d.verdict() == Verdict.WARN)) {
        anyWarn++;
      }
      if (ds.stream().anyMatch(d -> d.pValue() != null && d.pValue() <= config.alpha()
          && d.regression() >= config.minEffect())) {
        anyFailUncorrected++;
      }
    }
    System.out.println("## Seven unchanged metrics at once (5 % noise, 10 vs 30 runs)");
    System.out.println();
    System.out.printf(Locale.ROOT, "any FAIL with Holm: %s; any FAIL without correction: %s; any WARN: %s%n",
        p((double) anyFail / trials), p((double) anyFailUncorrected / trials), p((double) anyWarn / trials));
  }

  /**
   * E-Divisive over a history of 40 builds (each point the median of 5 runs, or a single run): how often a stationary
   * history shows a change point, and how often a step or a ramp of the level is found.
   */
  static void changePoints(int trials, long seed) {
    EDivisive detector = new EDivisive(50, 0.001, 0);
    System.out.println();
    System.out.println("## Change points over 40 builds (E-Divisive, window 50, p 0.001), 5 % noise, 5 % outlier runs");
    System.out.println();
    System.out.println("| runs per build | history | any change point | found at the step (±1 build) |");
    System.out.println("|---|---|---|---|");
    String[] names = {"stationary", "step +5 % at build 20", "step +10 % at build 20",
        "ramp 0 -> +10 % over 40 builds"};
    for (int runsPerBuild : new int[] {5, 1}) {
      for (int k = 0; k < names.length; k++) {
        SplittableRandom rnd = new SplittableRandom(seed * 31 + k * 7 + runsPerBuild);
        int any = 0;
        int atStep = 0;
        for (int t = 0; t < trials; t++) {
          double[] series = new double[40];
          for (int b = 0; b < 40; b++) {
            double shift = switch (k) {
              case 1 -> b >= 20 ? 0.05 : 0;
              case 2 -> b >= 20 ? 0.10 : 0;
              case 3 -> 0.10 * b / 39.0;
              default -> 0;
            };
            double[] runs = new double[runsPerBuild];
            for (int r = 0; r < runsPerBuild; r++) {
              runs[r] = value(rnd, 0.05, Math.log1p(shift));
            }
            series[b] = Numbers.median(runs);
          }
          List<EDivisive.ChangePoint> cps = detector.detect(series);
          any += cps.isEmpty() ? 0 : 1;
          atStep += cps.stream().anyMatch(c -> Math.abs(c.index() - 20) <= 1) ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "| %d | %s | %s | %s |%n", runsPerBuild, names[k], p(frac(any, trials)),
            k == 1 || k == 2 ? p(frac(atStep, trials)) : "–");
      }
    }
  }

  static Rates run(GateConfig config, double noise, Size size, Scenario sc, int trials, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed ^ Double.hashCode(noise) * 31 ^ size.hashCode() * 17L
        ^ sc.name().hashCode());
    Gate gate = new Gate(config);
    int[] counts = new int[Verdict.values().length];
    int old10 = 0;
    int old20 = 0;
    for (int t = 0; t < trials; t++) {
      double[] hist;
      double[] cur;
      if (sc.ramp()) {
        // one series of history + candidates whose level rises linearly to +10 % at the last run
        int total = size.history() + size.current();
        double[] all = new double[total];
        for (int i = 0; i < total; i++) {
          double drift = 0.10 * i / Math.max(1, total - 1);
          all[i] = value(rnd, noise, drift);
        }
        hist = java.util.Arrays.copyOfRange(all, 0, size.history());
        cur = java.util.Arrays.copyOfRange(all, size.history(), total);
      } else {
        hist = series(rnd, size.history(), noise, 0, 1, null);
        cur = series(rnd, size.current(), noise, sc.shift(), sc.noiseFactor(), null);
      }
      Decision d = gate.decide(new MetricInput.Samples("latency", Direction.LOWER_IS_BETTER, hist, cur));
      counts[d.verdict().ordinal()]++;
      double oldRatio = cur[cur.length - 1] / hist[hist.length - 1] - 1;
      if (oldRatio >= 0.10) {
        old10++;
      }
      if (oldRatio >= 0.20) {
        old20++;
      }
    }
    return new Rates(frac(counts[Verdict.FAIL.ordinal()], trials), frac(counts[Verdict.WARN.ordinal()], trials),
        frac(counts[Verdict.UNKNOWN.ordinal()], trials), frac(counts[Verdict.PASS.ordinal()], trials),
        frac(old10, trials), frac(old20, trials));
  }

  static double[] series(SplittableRandom rnd, int n, double noise, double shift, double noiseFactor, Object unused) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = value(rnd, noise * noiseFactor, Math.log1p(shift));
    }
    return v;
  }

  /** One run: 100 ms × exp(logShift + noise·Z), and in 5 % of runs 25 % slower (a noisy neighbour, a GC storm). */
  static double value(SplittableRandom rnd, double noise, double logShift) {
    double v = 100 * Math.exp(logShift + noise * gaussian(rnd));
    return rnd.nextDouble() < OUTLIER_PROBABILITY ? v * OUTLIER_FACTOR : v;
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
