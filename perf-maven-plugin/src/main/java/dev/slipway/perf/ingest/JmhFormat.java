package dev.slipway.perf.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.InvalidInputException;
import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.results.Metric;
import dev.slipway.perf.results.ResultFormat;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.results.WorkloadModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JMH's {@code -rf json}: an array of benchmark results. Each benchmark (with its {@code params}) becomes an
 * endpoint whose {@code metrics.score} carries the primary score and, as samples, one mean per fork from
 * {@code rawData} (or from {@code rawDataHistogram} in SampleTime mode) — forks, not iterations, are the
 * independent replications. Secondary metrics (e.g. {@code gc.alloc.rate}) follow as {@code metrics.<name>}, with
 * their direction taken from their unit (operations per time higher is better, anything per operation lower).
 */
public final class JmhFormat implements ResultFormat {
  static final String SHAPE = "a JMH -rf json array of {benchmark, mode, params?, primaryMetric{score, scoreUnit, "
      + "rawData[fork][iteration] | rawDataHistogram}, secondaryMetrics}";

  @Override
  public String name() {
    return "JMH JSON";
  }

  @Override
  public String expectedShape() {
    return SHAPE;
  }

  @Override
  public boolean detects(Path file, JsonNode json, String head) {
    return json != null && json.isArray() && !json.isEmpty() && json.get(0).has("benchmark")
        && json.get(0).has("primaryMetric");
  }

  @Override
  public List<RunResult> read(Path file, JsonNode json) throws InvalidInputException {
    Nodes n = new Nodes(file, SHAPE);
    List<EndpointResult> endpoints = new ArrayList<>();
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < json.size(); i++) {
      String at = "/" + i;
      JsonNode b = json.get(i);
      String name = n.text(b, "benchmark", at);
      JsonNode params = b.get("params");
      if (params != null && params.isObject() && params.size() > 0) {
        StringBuilder sb = new StringBuilder(name).append('[');
        for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          sb.append(e.getKey()).append('=').append(e.getValue().asText()).append(it.hasNext() ? "," : "");
        }
        name = sb.append(']').toString();
      }
      String mode = n.text(b, "mode", at);
      boolean higher = mode.equals("thrpt");
      Map<String, Metric> metrics = new LinkedHashMap<>();
      JsonNode primary = n.object(b, "primaryMetric", at);
      metrics.put("score", metric(n, primary, at + "/primaryMetric", higher));
      JsonNode secondary = b.get("secondaryMetrics");
      if (secondary != null && secondary.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = secondary.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          String sat = at + "/secondaryMetrics/" + e.getKey().replace("~", "~0").replace("/", "~1");
          JsonNode unit = e.getValue().get("scoreUnit");
          metrics.put(e.getKey(), metric(n, e.getValue(), sat, higherIsBetter(unit == null ? "" : unit.asText())));
        }
      }
      endpoints.add(new EndpointResult(name, 0, null, null, null, metrics));
      if (labels.isEmpty()) {
        putLabel(labels, b, "jvm");
        putLabel(labels, b, "jdkVersion");
        putLabel(labels, b, "vmVersion");
        putLabel(labels, b, "jmhVersion");
      }
    }
    return List.of(new RunResult(RunResult.SCHEMA_VERSION, "jmh", WorkloadModel.UNKNOWN, null, 0, 0, null, null,
        null, null, labels, null, endpoints));
  }

  /**
   * The direction of a secondary metric from its unit: a rate of operations ({@code ops/s}, {@code ops/ms}, e.g. a
   * {@code @Group} member or an {@code @AuxCounters} counter) is higher-is-better; a time or an amount per operation
   * ({@code ns/op}, {@code B/op}) and profiler figures ({@code MB/sec} allocated, {@code #} GCs, {@code ms} of GC)
   * are lower-is-better.
   */
  static boolean higherIsBetter(String unit) {
    String u = unit.strip().toLowerCase(java.util.Locale.ROOT);
    return u.startsWith("ops/") || u.equals("ops");
  }

  private static void putLabel(Map<String, String> labels, JsonNode b, String field) {
    if (b.hasNonNull(field)) {
      labels.put(field, b.get(field).asText());
    }
  }

  private Metric metric(Nodes n, JsonNode m, String at, boolean higherIsBetter) throws InvalidInputException {
    double score = n.number(m, "score", at);
    String unit = n.text(m, "scoreUnit", at);
    List<Double> samples = new ArrayList<>();
    JsonNode raw = m.get("rawData");
    JsonNode hist = m.get("rawDataHistogram");
    if (raw != null && raw.isArray()) {
      for (int f = 0; f < raw.size(); f++) {
        JsonNode fork = raw.get(f);
        if (!fork.isArray()) {
          throw n.error(at + "/rawData/" + f, "a fork's iterations must be an array of numbers");
        }
        double sum = 0;
        int count = 0;
        for (int it = 0; it < fork.size(); it++) {
          sum += n.number(fork.get(it), at + "/rawData/" + f + "/" + it);
          count++;
        }
        if (count > 0) {
          samples.add(sum / count);
        }
      }
    } else if (hist != null && hist.isArray()) {
      // rawDataHistogram[fork][iteration] = [[value, count], ...]
      for (int f = 0; f < hist.size(); f++) {
        double sum = 0;
        double count = 0;
        JsonNode fork = hist.get(f);
        for (int it = 0; it < fork.size(); it++) {
          JsonNode pairs = fork.get(it);
          for (int p = 0; p < pairs.size(); p++) {
            String pat = at + "/rawDataHistogram/" + f + "/" + it + "/" + p;
            JsonNode pair = pairs.get(p);
            if (!pair.isArray() || pair.size() != 2) {
              throw n.error(pat, "expected a [value, count] pair");
            }
            double v = n.number(pair.get(0), pat + "/0");
            double c = n.number(pair.get(1), pat + "/1");
            sum += v * c;
            count += c;
          }
        }
        if (count > 0) {
          samples.add(sum / count);
        }
      }
    }
    return new Metric(score, unit, higherIsBetter, samples);
  }
}
