package dev.slipway.perf.compare;

import dev.slipway.perf.compare.CompareReport.MetricResult;
import dev.slipway.perf.compare.CompareReport.SideStats;
import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.results.Errors;
import dev.slipway.perf.results.Latency;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.stats.Method;
import dev.slipway.perf.stats.Numbers;
import dev.slipway.perf.stats.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Absolute limits that need no baseline: the error budget ({@code perf.maxErrorRate}, per endpoint with
 * {@code perf.maxErrorRates}) and Artillery's {@code ensure} thresholds. A run that gets nothing but 404s or
 * malformed responses fails on its very first build.
 *
 * <p>Each run is judged on its own and the build by its median run, so one flaky run out of five warns instead of
 * failing (and is named), while a build whose runs mostly exceed the limit fails.
 */
public final class ErrorBudget {

  /**
   * The limits.
   *
   * @param maxErrorRate largest error rate (fraction) of an endpoint and of the total; 1 disables it
   * @param perEndpoint overrides: endpoint glob to its largest error rate
   * @param ensure Artillery {@code ensure} limits on the total, or null
   */
  public record Limits(double maxErrorRate, Map<String, Double> perEndpoint, Ensure ensure) {
    public Limits {
      if (!(maxErrorRate >= 0 && maxErrorRate <= 1)) {
        throw new IllegalArgumentException("perf.maxErrorRate = " + maxErrorRate + " is not accepted; expected a "
            + "fraction in [0, 1], e.g. 0.01 for 1 % (1 disables the budget)");
      }
      // insertion order decides which glob wins, so it is kept
      perEndpoint = perEndpoint == null ? Map.of()
          : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(perEndpoint));
    }

    /** The default budget: 1 % errors per endpoint. */
    public static Limits defaults() {
      return new Limits(DEFAULT_MAX_ERROR_RATE, Map.of(), null);
    }

    /** The limit for {@code endpoint}: the first matching per-endpoint glob, else the general one. */
    public double limitFor(String endpoint) {
      for (Map.Entry<String, Double> e : perEndpoint.entrySet()) {
        if (MetricSelection.matchesName(e.getKey(), endpoint)) {
          return e.getValue();
        }
      }
      return maxErrorRate;
    }
  }

  /**
   * Artillery's {@code config.ensure} (or {@code plugins.ensure}), with artillery-plugin-ensure's semantics:
   * {@code maxErrorRate} is the largest share of virtual users that failed, in per cent ({@code failed / created
   * × 100 <= limit}); each threshold passes when the metric is strictly below its limit ({@code metric < limit}),
   * the legacy {@code p95: 200} form meaning {@code http.response_time.p95 < 200}. Metrics are Artillery's names for
   * the run's total, see {@link #knows(String)}.
   *
   * @param source the script and line, for messages
   */
  public record Ensure(Double maxErrorRatePercent, Map<String, Double> thresholds, String source) {
    private static final java.util.regex.Pattern METRIC = java.util.regex.Pattern.compile(
        "http\\.response_time\\.(min|max|mean|median|p50|p75|p90|p95|p99|p999)|http\\.requests|http\\.responses"
            + "|http\\.request_rate|http\\.codes\\.\\d{3}|vusers\\.(created|completed|failed)");

    public Ensure {
      thresholds = thresholds == null ? Map.of() : java.util.Collections.unmodifiableMap(
          new LinkedHashMap<>(thresholds));
    }

    /** Whether {@code metric} is one this check can compute from a run. */
    public static boolean knows(String metric) {
      return METRIC.matcher(metric).matches();
    }
  }

  public static final double DEFAULT_MAX_ERROR_RATE = 0.01;

  private ErrorBudget() {}

  /** Parses {@code glob=rate,...} for {@code perf.maxErrorRates}; errors name the property and the form. */
  public static Map<String, Double> parsePerEndpoint(String text) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    for (String pair : text.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.lastIndexOf('=');
      double v;
      try {
        v = eq <= 0 ? Double.NaN : Double.parseDouble(pair.substring(eq + 1).strip());
      } catch (NumberFormatException e) {
        v = Double.NaN;
      }
      if (!(v >= 0 && v <= 1)) {
        throw new IllegalArgumentException("perf.maxErrorRates: '" + pair.strip() + "' is not of the form "
            + "<endpoint glob>=<fraction in [0, 1]>, e.g. GET /flaky*=0.05,POST /orders=0");
      }
      out.put(pair.substring(0, eq).strip(), v);
    }
    return out;
  }

  /** Checks every endpoint (and the total) of {@code runs}; one result per checked quantity, worst first. */
  public static List<MetricResult> check(List<RunResult> runs, Limits limits) {
    List<MetricResult> out = new ArrayList<>();
    List<RunResult> complete = runs.stream().filter(RunResult::complete).toList();
    if (complete.isEmpty()) {
      return out;
    }
    Map<String, List<EndpointResult>> byEndpoint = new LinkedHashMap<>();
    for (RunResult r : complete) {
      for (EndpointResult e : r.endpoints()) {
        byEndpoint.computeIfAbsent(e.name(), k -> new ArrayList<>()).add(e);
      }
      if (r.total() != null && r.endpoints().size() != 1) {
        byEndpoint.computeIfAbsent("total", k -> new ArrayList<>()).add(r.total());
      }
    }
    for (Map.Entry<String, List<EndpointResult>> e : byEndpoint.entrySet()) {
      List<EndpointResult> list = e.getValue().stream().filter(x -> x.requests() > 0).toList();
      if (list.isEmpty()) {
        continue;
      }
      double limit = limits.limitFor(e.getKey());
      if (limit < 1) {
        out.add(errorBudget(e.getKey(), list, limit, "perf.maxErrorRate"));
      }
    }
    Ensure ensure = limits.ensure();
    if (ensure != null) {
      List<RunResult> withTotal = new ArrayList<>();
      for (RunResult r : complete) {
        if (total(r) != null && total(r).requests() > 0) {
          withTotal.add(r);
        }
      }
      if (!withTotal.isEmpty()) {
        if (ensure.maxErrorRatePercent() != null) {
          out.add(ensureErrorRate(withTotal, ensure));
        }
        for (Map.Entry<String, Double> t : ensure.thresholds().entrySet()) {
          out.add(threshold(withTotal, t.getKey(), t.getValue(), ensure.source()));
        }
      }
    }
    out.sort(java.util.Comparator.comparingInt(m -> m.verdict().ordinal()));
    return out;
  }

  private static MetricResult errorBudget(String endpoint, List<EndpointResult> runs, double limit, String rule) {
    double[] rates = new double[runs.size()];
    long errors = 0;
    long requests = 0;
    Errors causes = Errors.NONE;
    Map<String, Long> codes = new TreeMap<>();
    List<String> over = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      EndpointResult e = runs.get(i);
      rates[i] = (double) e.errors().total() / e.requests();
      errors += e.errors().total();
      requests += e.requests();
      causes = causes.plus(e.errors());
      e.statusCodes().forEach((k, v) -> codes.merge(k, v, Long::sum));
      if (rates[i] > limit + 1e-12) {
        over.add("run " + (i + 1) + " " + pct(rates[i]));
      }
    }
    double median = Numbers.median(rates);
    Verdict v;
    if (median > limit + 1e-12) {
      v = Verdict.FAIL;
    } else if (!over.isEmpty()) {
      v = Verdict.WARN;
    } else {
      v = Verdict.PASS;
    }
    StringBuilder why = new StringBuilder(String.format(Locale.ROOT, "error rate of the median run %s, limit %s "
        + "(%s)", pct(median), pct(limit), rule));
    if (errors > 0) {
      why.append(String.format(Locale.ROOT, "; %d of %d requests failed: status %d, timeout %d, connect %d, other %d",
          errors, requests, causes.status(), causes.timeout(), causes.connect(), causes.other()));
      if (causes.check() > 0) {
        why.append(String.format(Locale.ROOT, ", check %d (expect/capture/assertion)", causes.check()));
      }
      if (causes.notSent() > 0) {
        why.append(String.format(Locale.ROOT, ", not sent %d (generator-limited: the load generator's connection "
            + "cap, perf.connections, not the server)", causes.notSent()));
      }
      String statuses = statusSummary(codes);
      if (!statuses.isEmpty()) {
        why.append("; responses by status: ").append(statuses);
      }
    }
    if (!over.isEmpty() && v == Verdict.WARN) {
      why.append("; over the limit in ").append(String.join(", ", over)).append(" only (a flaky run warns, the "
          + "median run fails)");
    } else if (!over.isEmpty() && over.size() < runs.size()) {
      why.append("; over the limit in ").append(String.join(", ", over));
    }
    return new MetricResult(endpoint, EndpointResultNames.ERROR_BUDGET, "ratio", "lower", Method.ERROR_BUDGET, v,
        new SideStats(0, limit, null, null, null), new SideStats(runs.size(), median, errors, requests, null),
        null, median - limit, null, null, null, null, null, why.toString());
  }

  private static EndpointResult total(RunResult r) {
    return r.total() != null ? r.total() : r.endpoints().size() == 1 ? r.endpoints().get(0) : null;
  }

  /**
   * artillery-plugin-ensure's maxErrorRate: failed virtual users over created ones, in per cent, of the median run.
   * Results without virtual-user counts (other tools) fall back on failed requests over requests.
   */
  private static MetricResult ensureErrorRate(List<RunResult> runs, Ensure ensure) {
    double[] rates = new double[runs.size()];
    boolean vusers = true;
    for (int i = 0; i < runs.size(); i++) {
      EndpointResult t = total(runs.get(i));
      var created = t.metrics().get("vusers.created");
      var failed = t.metrics().get("vusers.failed");
      if (created != null && failed != null && created.value() > 0) {
        rates[i] = failed.value() / created.value() * 100;
      } else {
        vusers = false;
        rates[i] = 100.0 * t.errors().total() / t.requests();
      }
    }
    double median = Numbers.median(rates);
    double limit = ensure.maxErrorRatePercent();
    Verdict v = median <= limit + 1e-9 ? Verdict.PASS : Verdict.FAIL;
    String what = vusers ? "virtual users that failed" : "failed requests (no virtual-user counts in the results)";
    return new MetricResult("total", "ensure.maxErrorRate", "%", "lower", Method.ENSURE, v,
        new SideStats(0, limit, null, null, null), new SideStats(runs.size(), median, null, null, null), null,
        median - limit, null, null, null, null, null, String.format(Locale.ROOT, "%.2f %% of %s in the median run, "
            + "limit %s %% (ensure maxErrorRate in %s)", median, what, fmt(limit), ensure.source()));
  }

  /** One ensure threshold: the median run's value must be strictly below the limit, as in Artillery. */
  private static MetricResult threshold(List<RunResult> runs, String metric, double limit, String source) {
    double[] values = new double[runs.size()];
    int n = 0;
    for (RunResult r : runs) {
      Double v = ensureValue(total(r), metric);
      if (v != null) {
        values[n++] = v;
      }
    }
    if (n == 0) {
      return new MetricResult("total", "ensure." + metric, null, "lower", Method.ENSURE, Verdict.UNKNOWN,
          new SideStats(0, limit, null, null, null), new SideStats(runs.size(), null, null, null, null), null, null,
          null, null, null, null, null, "ensure " + metric + " < " + fmt(limit) + " in " + source + ": the results "
              + "have no " + metric + " to check");
    }
    double median = Numbers.median(java.util.Arrays.copyOf(values, n));
    Verdict v = median < limit ? Verdict.PASS : Verdict.FAIL;
    return new MetricResult("total", "ensure." + metric, null, "lower", Method.ENSURE, v,
        new SideStats(0, limit, null, null, null), new SideStats(n, median, null, null, null),
        limit != 0 ? median / limit : null, null, null, null, null, null, null,
        String.format(Locale.ROOT, "%s of the median run %s, must be below %s (ensure threshold in %s)", metric,
            fmt(median), fmt(limit), source));
  }

  /** The value Artillery would report under {@code metric} for this run's total, or null. */
  static Double ensureValue(EndpointResult t, String metric) {
    Latency l = t.latency();
    if (metric.startsWith("http.response_time.")) {
      String stat = metric.substring("http.response_time.".length());
      Double v = switch (stat) {
        case "p50", "median" -> l == null ? null : l.p50();
        case "p90" -> l == null ? null : l.p90();
        case "p99" -> l == null ? null : l.p99();
        case "p999" -> l == null ? null : l.p999();
        case "max" -> l == null ? null : l.max();
        case "mean" -> l == null ? null : l.mean();
        default -> null;
      };
      if (v == null) {
        var m = t.metrics().get("latency." + (stat.equals("median") ? "p50" : stat));
        v = m == null ? null : m.value();
      }
      return v;
    }
    if (metric.startsWith("http.codes.")) {
      Long c = t.statusCodes().get(metric.substring("http.codes.".length()));
      return t.statusCodes().isEmpty() ? null : (double) (c == null ? 0 : c);
    }
    Errors e = t.errors();
    return switch (metric) {
      case "http.requests" -> (double) (t.requests() - e.notSent());
      case "http.responses" -> (double) (t.requests() - e.timeout() - e.connect() - e.other() - e.notSent());
      case "http.request_rate" -> t.throughput();
      default -> {
        var m = t.metrics().get(metric);
        yield m == null ? null : m.value();
      }
    };
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f",
        v);
  }

  static String statusSummary(Map<String, Long> codes) {
    List<String> parts = new ArrayList<>();
    codes.forEach((k, v) -> parts.add(k + " x" + v));
    return String.join(", ", parts);
  }

  private static String pct(double f) {
    return String.format(Locale.ROOT, "%.2f %%", f * 100);
  }

  /** Metric names of the absolute checks. */
  static final class EndpointResultNames {
    static final String ERROR_BUDGET = "errorRate (budget)";

    private EndpointResultNames() {}
  }
}
