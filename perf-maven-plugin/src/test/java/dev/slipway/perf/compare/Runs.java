package dev.slipway.perf.compare;

import dev.slipway.common.Log;
import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.results.Errors;
import dev.slipway.perf.results.Latency;
import dev.slipway.perf.results.Metric;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.results.WorkloadModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds result objects for tests, and a log that keeps its lines. */
public final class Runs {
  private Runs() {}

  /** An HTTP endpoint whose latency percentiles are multiples of {@code p50}. */
  public static EndpointResult http(String name, double p50, double throughput, long requests, long errors) {
    return new EndpointResult(name, requests, new Errors(errors, 0, 0, 0), throughput,
        new Latency(p50, p50 * 1.5, p50 * 2, p50 * 3, p50 * 4, p50 * 1.1), Map.of());
  }

  /** A JMH-like benchmark with per-fork samples. */
  public static EndpointResult bench(String name, double... forks) {
    double mean = java.util.Arrays.stream(forks).average().orElse(0);
    List<Double> samples = new ArrayList<>();
    for (double f : forks) {
      samples.add(f);
    }
    return new EndpointResult(name, 0, Errors.NONE, null, null,
        Map.of("score", new Metric(mean, "ops/s", true, samples)));
  }

  public static RunResult run(int index, EndpointResult... endpoints) {
    return new RunResult(RunResult.SCHEMA_VERSION, "slipway", WorkloadModel.OPEN,
        Instant.parse("2026-01-01T00:00:00Z"), 20, 5, "http://127.0.0.1:8080", index, null, null, Map.of(), null,
        List.of(endpoints));
  }

  /** A log that records every line with its level. */
  public static final class Recording implements Log {
    public final List<String> lines = new ArrayList<>();

    @Override
    public synchronized void debug(String message) {
      lines.add("DEBUG " + message);
    }

    @Override
    public synchronized void info(String message) {
      lines.add("INFO " + message);
    }

    @Override
    public synchronized void warn(String message) {
      lines.add("WARN " + message);
    }

    @Override
    public synchronized void error(String message) {
      lines.add("ERROR " + message);
    }

    public String all() {
      return String.join("\n", lines);
    }
  }
}
