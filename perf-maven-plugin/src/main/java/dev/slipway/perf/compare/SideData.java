package dev.slipway.perf.compare;

import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.results.Metric;
import dev.slipway.perf.results.RunResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of every selected metric on one side (baseline or current), collected from its runs: one value per
 * run, or the metric's own independent samples when it has them (JMH forks). Error rates keep their counts so that
 * they can be tested exactly.
 */
public final class SideData {
  /** Values of one metric on one side. */
  public static final class Values {
    final List<Double> values = new ArrayList<>();
    String unit;
    boolean higherIsBetter;
    long errors;
    long requests;
    int runs;

    public List<Double> values() {
      return values;
    }

    public String unit() {
      return unit;
    }

    public int runs() {
      return runs;
    }

    public long errors() {
      return errors;
    }

    public long requests() {
      return requests;
    }

    public boolean higherIsBetter() {
      return higherIsBetter;
    }

    public double[] array() {
      return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
  }

  private final Map<MetricId, Values> metrics = new LinkedHashMap<>();
  private int runs;

  /** Collects the selected metrics of {@code results}. */
  public static SideData of(List<RunResult> results, MetricSelection selection) {
    SideData side = new SideData();
    for (RunResult r : results) {
      side.add(r, selection);
    }
    return side;
  }

  public void add(RunResult r, MetricSelection selection) {
    add(r, selection, id -> true);
  }

  /** Adds the metrics of {@code r} that {@code only} accepts (a history baseline windows each metric itself). */
  public void add(RunResult r, MetricSelection selection, java.util.function.Predicate<MetricId> only) {
    runs++;
    List<EndpointResult> endpoints = r.endpoints();
    if (endpoints.isEmpty() && r.total() != null) {
      endpoints = List.of(r.total());
    }
    for (EndpointResult e : endpoints) {
      for (Map.Entry<String, Metric> m : e.allMetrics().entrySet()) {
        if (!selection.includes(e.name(), m.getKey()) || !only.test(new MetricId(e.name(), m.getKey()))) {
          continue;
        }
        Values v = metrics.computeIfAbsent(new MetricId(e.name(), m.getKey()), k -> new Values());
        Metric metric = m.getValue();
        v.unit = metric.unit();
        v.higherIsBetter = metric.higherIsBetter();
        v.runs++;
        if (EndpointResult.ERROR_RATE.equals(m.getKey())) {
          v.errors += e.errors().total();
          v.requests += e.requests();
        }
        if (!metric.samples().isEmpty()) {
          v.values.addAll(metric.samples());
        } else {
          v.values.add(metric.value());
        }
      }
    }
  }

  public Map<MetricId, Values> metrics() {
    return metrics;
  }

  /** Number of runs (result files or history lines) this side was built from. */
  public int runs() {
    return runs;
  }

  public void runs(int count) {
    runs = count;
  }
}
