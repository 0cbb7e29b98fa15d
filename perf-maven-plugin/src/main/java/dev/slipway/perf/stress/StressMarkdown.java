package dev.slipway.perf.stress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code stress.md}: the capacity, the knee, the chart and every step. */
public final class StressMarkdown {
  private StressMarkdown() {}

  public static String render(StressReport r) {
    List<String> out = new ArrayList<>();
    out.add("# perf:stress: " + (r.capacity() == null ? "below " + CapacitySearch.num(r.steps().stream()
        .mapToDouble(StressReport.Step::rate).min().orElse(r.search().startRate()))
        : ("atLeast".equals(r.capacityBound()) ? "≥ " : "") + CapacitySearch.num(r.capacity())) + " req/s");
    out.add("");
    out.add(CapacitySearch.summary(r) + ".");
    out.add("");
    out.add("![latency versus offered rate](" + r.chart() + ")");
    out.add("");
    out.add(String.format(Locale.ROOT, "Target %s; %d steps of %s s (first %s s excluded) in %.0f s.",
        r.target(), r.steps().size(), CapacitySearch.num(r.search().stepSeconds()),
        CapacitySearch.num(r.search().warmupSeconds()), r.durationSeconds()));
    out.add("");
    out.add("| step | phase | offered req/s | achieved req/s | p50 ms | p99 ms | errors | send lag p99 ms | outcome |");
    out.add("|---:|---|---:|---:|---:|---:|---:|---:|---|");
    for (StressReport.Step s : r.steps()) {
      out.add(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %.2f %% | %s | %s%s |", s.index(), s.phase(),
          CapacitySearch.num(s.rate()), CapacitySearch.num(s.achievedRate()), f(s.p50Ms()), f(s.p99Ms()),
          s.errorRate() * 100, f(s.sendLagP99Ms()), s.outcome(), s.reason() == null ? ""
              : ": " + s.reason().replace("|", "\\|")));
    }
    if (r.generatorLimited()) {
      out.add("");
      out.add("A step marked GENERATOR_LIMITED broke the SLO because the load generator itself fell behind its "
          + "schedule (its send lag was most of the latency). That rate says nothing about the service: give the "
          + "generator more CPU (perf.threads, another machine) to measure beyond it.");
    }
    out.add("");
    return String.join("\n", out);
  }

  private static String f(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }
}
