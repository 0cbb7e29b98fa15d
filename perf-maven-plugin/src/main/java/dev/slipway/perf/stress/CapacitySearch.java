package dev.slipway.perf.stress;

import dev.slipway.common.AtomicFiles;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.perf.chart.CapacityChart;
import dev.slipway.perf.load.LoadConfig;
import dev.slipway.perf.load.LoadRunner;
import dev.slipway.perf.load.LoadSettings;
import dev.slipway.perf.load.LoadTest;
import dev.slipway.perf.load.ServiceStarter;
import dev.slipway.perf.load.StartedService;
import dev.slipway.perf.load.ServiceStartException;
import dev.slipway.perf.load.TargetUnreachableException;
import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.results.Metric;
import dev.slipway.perf.results.RunResult;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code perf:stress} without Maven: finds the highest open-model arrival rate at which the service meets its SLO
 * (p99 latency and error rate). Steps of constant rate run one after another on the {@code perf:load} engine: the
 * rate is multiplied by {@code factor} until a step breaks the SLO, then the interval between the highest passing
 * and the lowest failing rate is halved until it is narrower than {@code precision} (when even the first rate breaks
 * the SLO, the rate is first divided by {@code factor}, up to three times, to find one that passes). Bounded by
 * {@code maxRate} and {@code maxDuration}. A step that breaks the SLO is run once more to confirm it (unless
 * {@code confirmFailures} is off). A step that breaks it because the load generator fell behind its own schedule
 * (its send lag is most of the latency), twice, ends the search with "capacity at least", because going on would
 * measure the generator, not the service.
 *
 * <p>Writes {@code stress.json}, {@code stress.md} and the latency-versus-rate chart {@code stress-capacity.svg}.
 */
public final class CapacitySearch {
  /** A step where at least this share of requests failed, or under half the rate was answered, has collapsed. */
  static final double COLLAPSE_ERRORS = 0.5;
  static final double COLLAPSE_ACHIEVED = 0.5;
  /** How long after a failing step the service may take to answer quickly again. */
  static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);
  /** How many times the rate is divided by the factor when even the first step breaks the SLO. */
  static final int DOWN_STEPS = 3;

  private final Log log;

  public CapacitySearch(Log log) {
    this.log = log;
  }

  public StressReport run(StressSettings s)
      throws InvalidInputException, ServiceStartException, TargetUnreachableException, IOException {
    LoadTest.resolve(withRate(s, s.startRate()));
    long started = System.nanoTime();
    StartedService service = null;
    List<StressReport.Step> steps = new ArrayList<>();
    String stopReason;
    try {
      LoadSettings l = s.load();
      if (l.start() != null && !l.start().isBlank()) {
        service = ServiceStarter.start(l, health(s), java.util.Map.of(), log);
      }
      log.info(String.format(Locale.ROOT, "perf:stress: SLO p99 <= %s ms and errors <= %s %%; rates from %s/s x%s "
          + "up to %s/s, %s per step, at most %s in all", num(s.sloP99().toNanos() / 1e6), num(s.sloErrorRate()
          * 100), num(s.startRate()), num(s.factor()), num(s.maxRate()), human(s.step()), human(s.maxDuration())));
      stopReason = search(s, steps, started);
    } finally {
      if (service != null) {
        service.close();
      }
    }
    StressReport report = report(s, steps, stopReason, (System.nanoTime() - started) / 1e9);
    log.info("perf:stress: " + summary(report));
    write(report, s.load().outputDir());
    return report;
  }

  private String search(StressSettings s, List<StressReport.Step> steps, long started)
      throws InvalidInputException, TargetUnreachableException, IOException {
    Double pass = null;
    Double fail = null;
    double rate = s.startRate();
    while (true) {
      if (!fits(s, started)) {
        return "time budget (perf.stress.maxDuration) spent";
      }
      StressReport.Step step = stepOrRetry(s, steps.size() + 1, "ramp", rate);
      steps.add(step);
      if (step.outcome() == StressReport.Outcome.GENERATOR_LIMITED) {
        return "the load generator could not keep up at " + num(rate) + "/s";
      }
      if (step.outcome() == StressReport.Outcome.PASS) {
        pass = rate;
        if (rate >= s.maxRate()) {
          return "reached perf.stress.maxRate with the SLO met";
        }
        rate = Math.min(s.maxRate(), rate * s.factor());
        continue;
      }
      fail = rate;
      drain(s);
      break;
    }
    // Even the first rate broke the SLO: come down (a service slower than expected, or one still cold) a few times.
    for (int down = 0; pass == null && down < DOWN_STEPS; down++) {
      if (!fits(s, started)) {
        return "time budget (perf.stress.maxDuration) spent";
      }
      rate = Math.round(fail / s.factor() * 10) / 10.0;
      StressReport.Step step = stepOrRetry(s, steps.size() + 1, "down", rate);
      steps.add(step);
      if (step.outcome() == StressReport.Outcome.GENERATOR_LIMITED) {
        return "the load generator could not keep up at " + num(rate) + "/s";
      }
      if (step.outcome() == StressReport.Outcome.PASS) {
        pass = rate;
      } else {
        fail = rate;
        drain(s);
      }
    }
    if (pass == null) {
      return "every rate tried broke the SLO, down to " + num(fail) + "/s";
    }
    while (fail - pass > s.precision() * pass) {
      if (!fits(s, started)) {
        return "time budget (perf.stress.maxDuration) spent while narrowing down";
      }
      double mid = Math.round((pass + fail) / 2 * 10) / 10.0;
      StressReport.Step step = stepOrRetry(s, steps.size() + 1, "narrow", mid);
      steps.add(step);
      if (step.outcome() == StressReport.Outcome.GENERATOR_LIMITED) {
        return "the load generator could not keep up at " + num(mid) + "/s";
      }
      if (step.outcome() == StressReport.Outcome.PASS) {
        pass = mid;
      } else {
        fail = mid;
        drain(s);
      }
    }
    return String.format(Locale.ROOT, "narrowed to %s-%s/s (within %s %%)", num(pass), num(fail),
        num(s.precision() * 100));
  }

  private static boolean fits(StressSettings s, long started) {
    long spent = System.nanoTime() - started;
    return spent + s.step().toNanos() <= s.maxDuration().toNanos();
  }

  /**
   * Runs a step; one that broke the SLO (or collapsed) is run once more before it counts. On a shared machine the
   * generator may lose the CPU for a moment (generator-limited), or the service may stall for a moment (a GC, a
   * noisy neighbour), and a p99 over a few seconds shows either. A service really over its capacity breaks the SLO
   * both times; the price is a slight lean towards the higher rate at the boundary, within the precision.
   */
  private StressReport.Step stepOrRetry(StressSettings s, int index, String phase, double rate)
      throws InvalidInputException, TargetUnreachableException, IOException {
    StressReport.Step first = step(s, index, phase, rate);
    boolean retry = first.outcome() == StressReport.Outcome.GENERATOR_LIMITED
        || first.outcome() != StressReport.Outcome.PASS && s.confirmFailures();
    if (!retry) {
      return first;
    }
    log.info("perf:stress: " + first.outcome() + " at " + num(rate) + "/s; running the step once more to confirm");
    drain(s);
    StressReport.Step again = step(s, index, phase, rate);
    return new StressReport.Step(again.index(), again.phase(), again.rate(), again.achievedRate(), again.throughput(),
        again.requests(), again.errorRate(), again.p50Ms(), again.p90Ms(), again.p99Ms(), again.maxMs(),
        again.sendLagP99Ms(), again.outcome(), "second try (the first: " + first.outcome()
        + (first.reason() == null ? "" : ", " + first.reason()) + ")" + (again.reason() == null ? ""
        : "; " + again.reason()));
  }

  private StressReport.Step step(StressSettings s, int index, String phase, double rate)
      throws InvalidInputException, TargetUnreachableException, IOException {
    LoadConfig config = LoadTest.resolve(withRate(s, rate));
    log.info(String.format(Locale.ROOT, "perf:stress: step %d (%s): %s/s for %s", index, phase, num(rate),
        human(s.step())));
    RunResult r = new LoadRunner(log).run(config, index, null);
    StressReport.Step step = judge(s, index, phase, rate, r, config.connections());
    log.info(String.format(Locale.ROOT, "perf:stress: step %d: %s/s -> %s (p99 %s ms, errors %.2f %%, achieved "
        + "%s/s, send lag p99 %s ms)%s", index, num(rate), step.outcome(), fmt(step.p99Ms()), step.errorRate() * 100,
        fmt(step.achievedRate()), fmt(step.sendLagP99Ms()), step.reason() == null ? "" : ": " + step.reason()));
    return step;
  }

  /** Decides a step's outcome from its result. */
  static StressReport.Step judge(StressSettings s, int index, String phase, double rate, RunResult r, int pool) {
    EndpointResult t = r.total();
    double errorRate = t.requests() == 0 ? 1 : (double) t.errors().total() / t.requests();
    Double p50 = t.latency() == null ? null : t.latency().p50();
    Double p90 = t.latency() == null ? null : t.latency().p90();
    Double p99 = t.latency() == null ? null : t.latency().p99();
    Double max = t.latency() == null ? null : t.latency().max();
    Double mean = t.latency() == null ? null : t.latency().mean();
    Double achieved = value(t.metrics().get("achievedRate"));
    Double lag = value(t.metrics().get("sendLag.p99"));
    double sloMs = s.sloP99().toNanos() / 1e6;
    StressReport.Outcome outcome;
    String reason = null;
    boolean latencyOk = p99 != null && p99 <= sloMs;
    boolean errorsOk = errorRate <= s.sloErrorRate();
    if (r.aborted() != null || errorRate >= COLLAPSE_ERRORS
        || achieved != null && achieved < COLLAPSE_ACHIEVED * rate) {
      outcome = StressReport.Outcome.COLLAPSE;
      reason = r.aborted() != null ? r.aborted() : errorRate >= COLLAPSE_ERRORS
          ? String.format(Locale.ROOT, "%.0f %% of requests failed", errorRate * 100)
          : String.format(Locale.ROOT, "only %s of %s/s answered within the schedule", num(achieved), num(rate));
    } else if (latencyOk && errorsOk) {
      outcome = StressReport.Outcome.PASS;
    } else {
      outcome = StressReport.Outcome.FAIL;
      reason = !latencyOk ? String.format(Locale.ROOT, "p99 %s ms > %s ms", fmt(p99), num(sloMs))
          : String.format(Locale.ROOT, "errors %.2f %% > %s %%", errorRate * 100, num(s.sloErrorRate() * 100));
    }
    if (outcome != StressReport.Outcome.PASS && lag != null && p99 != null
        && lag >= s.generatorShare() * p99 && !poolExhausted(achieved, mean, pool)) {
      // The generator wrote the requests late by about as much as they took: the service never saw the offered
      // rate on time, so the step says nothing about the service's capacity.
      reason = String.format(Locale.ROOT, "the generator's send lag p99 (%s ms) is %.0f %% of the latency p99: "
          + "it fell behind its schedule (%s)", fmt(lag), lag / p99 * 100, reason);
      outcome = StressReport.Outcome.GENERATOR_LIMITED;
    }
    return new StressReport.Step(index, phase, rate, achieved, t.throughput() == null ? 0 : t.throughput(),
        t.requests(), round(errorRate), p50, p90, p99, max, lag, outcome, reason);
  }

  /**
   * Arrivals also wait (and show send lag) when every connection of the pool is busy with a slow response: that is
   * the service's doing. Little's law gives the connections in use from rate × mean latency.
   */
  private static boolean poolExhausted(Double achieved, Double meanMs, int pool) {
    return achieved != null && meanMs != null && achieved * meanMs / 1000 >= 0.9 * pool;
  }

  /** After an overloaded step the service may still be working off its queue: wait until it answers quickly. */
  private void drain(StressSettings s) {
    sleep(s.cooldown().toMillis());
    URI health = health(s);
    long deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
    long sloMillis = Math.max(1, s.sloP99().toMillis());
    while (System.nanoTime() < deadline) {
      long t0 = System.nanoTime();
      try {
        HttpURLConnection c = (HttpURLConnection) health.toURL().openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(5000);
        int status = c.getResponseCode();
        c.disconnect();
        if (status < 500 && (System.nanoTime() - t0) / 1_000_000 <= sloMillis) {
          return;
        }
      } catch (IOException e) {
        // still busy
      }
      sleep(500);
    }
    log.warn("perf:stress: " + health + " did not answer within the SLO for " + DRAIN_LIMIT.toSeconds() + " s after "
        + "an overloaded step; going on");
  }

  private static URI health(StressSettings s) {
    return s.load().health() != null ? s.load().health() : s.load().target();
  }

  static LoadSettings withRate(StressSettings s, double rate) {
    LoadSettings l = s.load();
    return new LoadSettings(l.target(), l.scenarioFile(), l.requests(), List.of(), rate, null, s.step(),
        l.connections(), "open", l.threads(), s.stepWarmup(), l.timeout(), 1, l.progressInterval(), l.outputDir(),
        null, l.packagedJar(), l.workDir(), l.health(), l.startTimeout(), l.startEnvironment(), l.labels());
  }

  static StressReport report(StressSettings s, List<StressReport.Step> steps, String stopReason, double seconds) {
    List<StressReport.Step> byRate = new ArrayList<>(steps);
    byRate.sort(Comparator.comparingDouble(StressReport.Step::rate));
    Double capacity = null;
    Double lowestFail = null;
    boolean generatorLimited = false;
    for (StressReport.Step st : steps) {
      if (st.outcome() == StressReport.Outcome.PASS && (capacity == null || st.rate() > capacity)) {
        capacity = st.rate();
      }
      if ((st.outcome() == StressReport.Outcome.FAIL || st.outcome() == StressReport.Outcome.COLLAPSE)
          && (lowestFail == null || st.rate() < lowestFail)) {
        lowestFail = st.rate();
      }
      generatorLimited |= st.outcome() == StressReport.Outcome.GENERATOR_LIMITED;
    }
    String bound = capacity == null ? "below" : lowestFail != null && lowestFail > capacity
        && (lowestFail - capacity) <= s.precision() * capacity ? "measured" : "atLeast";
    Double knee = null;
    Double base = byRate.stream().filter(x -> x.p99Ms() != null
        && x.outcome() != StressReport.Outcome.GENERATOR_LIMITED).map(StressReport.Step::p99Ms).findFirst()
        .orElse(null);
    if (base != null) {
      for (StressReport.Step st : byRate) {
        if (st.outcome() == StressReport.Outcome.GENERATOR_LIMITED) {
          continue;
        }
        if (st.p99Ms() == null || st.p99Ms() > s.kneeFactor() * base) {
          break;
        }
        knee = st.rate();
      }
      if (knee != null && knee.equals(byRate.get(byRate.size() - 1).rate())) {
        knee = null; // latency never climbed within the rates tried
      }
      if (knee != null && capacity != null && knee > capacity) {
        knee = capacity; // past the capacity the SLO is already broken: latency has climbed by then
      }
    }
    return new StressReport(StressReport.SCHEMA, StressReport.VERSION, Instant.now(), s.load().target() == null
        ? null : s.load().target().toString(), capacity, bound, knee, stopReason, generatorLimited,
        new StressReport.Slo(s.sloP99().toNanos() / 1e6, s.sloErrorRate()),
        new StressReport.Search(s.startRate(), s.factor(), s.maxRate(), s.precision(), s.step().toMillis() / 1000.0,
            s.stepWarmup().toMillis() / 1000.0, s.maxDuration().toMillis() / 1000.0, s.kneeFactor()),
        Math.round(seconds * 10) / 10.0, steps, "stress-capacity.svg");
  }

  /** Writes {@code stress.json}, {@code stress-capacity.svg} and {@code stress.md} into {@code dir}. */
  public void write(StressReport report, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path json = dir.resolve("stress.json");
    Json.writeFile(json, report);
    CapacityChart.write(report, dir.resolve(report.chart()));
    Path md = dir.resolve("stress.md");
    AtomicFiles.write(md, StressMarkdown.render(report).getBytes(StandardCharsets.UTF_8));
    log.info("perf:stress: wrote " + json + ", " + md + " and " + dir.resolve(report.chart()));
  }

  /** One line: capacity, how sure, knee. */
  public static String summary(StressReport r) {
    String cap = switch (r.capacityBound()) {
      case "measured" -> "capacity " + num(r.capacity()) + " req/s";
      case "atLeast" -> "capacity at least " + num(r.capacity()) + " req/s";
      default -> "capacity below the lowest rate tried (" + num(r.steps().stream()
          .mapToDouble(StressReport.Step::rate).min().orElse(r.search().startRate())) + " req/s)";
    };
    return cap + " under the SLO (p99 <= " + num(r.slo().p99Ms()) + " ms, errors <= " + num(r.slo().errorRate() * 100)
        + " %)" + (r.knee() == null ? "" : "; latency starts to climb above " + num(r.knee()) + " req/s") + "; "
        + r.stopReason() + (r.generatorLimited() ? "; NOTE: the load generator was the limit of at least one step"
        : "");
  }

  private static Double value(Metric m) {
    return m == null ? null : m.value();
  }

  private static double round(double v) {
    return Math.round(v * 1e6) / 1e6;
  }

  static String num(Double v) {
    if (v == null) {
      return "-";
    }
    return v == Math.rint(v) ? String.format(Locale.ROOT, "%d", v.longValue()) : String.format(Locale.ROOT, "%.1f", v);
  }

  static String num(double v) {
    return num(Double.valueOf(v));
  }

  private static String fmt(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
