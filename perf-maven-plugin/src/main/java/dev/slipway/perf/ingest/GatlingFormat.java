package dev.slipway.perf.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.InvalidInputException;
import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.results.Errors;
import dev.slipway.perf.results.Latency;
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
 * Gatling's report data {@code js/stats.json} (since 3.12 the {@code simulation.log} is binary, so this is the
 * stable text output): a tree of groups and requests under {@code contents}, each with {@code stats} whose values
 * are {@code {total, ok, ko}} (numbers, or strings in older versions, "-" when empty). The root's stats are the
 * total; every request becomes an endpoint named by its group path. Gatling's percentiles1..4 default to
 * 50/75/95/99 (configurable in gatling.conf); p50 and p99 map to the schema, p75 and p95 stay in metrics.
 * Failed requests ({@code ko}) are not classified by Gatling and count as {@code other}.
 */
public final class GatlingFormat implements ResultFormat {
  static final String SHAPE = "Gatling js/stats.json: {type, name, stats{numberOfRequests{total,ok,ko}, "
      + "meanResponseTime, maxResponseTime, percentiles1..4, meanNumberOfRequestsPerSecond}, contents{...}}";

  @Override
  public String name() {
    return "Gatling stats.json";
  }

  @Override
  public String expectedShape() {
    return SHAPE;
  }

  @Override
  public boolean detects(Path file, JsonNode json, String head) {
    return json != null && json.isObject() && json.has("stats") && json.path("stats").has("numberOfRequests");
  }

  @Override
  public List<RunResult> read(Path file, JsonNode json) throws InvalidInputException {
    Nodes n = new Nodes(file, SHAPE);
    EndpointResult total = endpoint(n, "total", n.object(json, "stats", ""), "/stats");
    List<EndpointResult> endpoints = new ArrayList<>();
    walk(n, json, "", "", endpoints);
    if (endpoints.isEmpty()) {
      endpoints.add(total);
    }
    double duration = 0;
    if (total.throughput() != null && total.throughput() > 0) {
      duration = total.requests() / total.throughput();
    }
    return List.of(new RunResult(RunResult.SCHEMA_VERSION, "gatling", WorkloadModel.UNKNOWN, null, duration, 0,
        null, null, null, null, Map.of(), total, endpoints));
  }

  private void walk(Nodes n, JsonNode node, String at, String prefix, List<EndpointResult> out)
      throws InvalidInputException {
    JsonNode contents = node.get("contents");
    if (contents == null || !contents.isObject()) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = contents.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String cat = at + "/contents/" + e.getKey().replace("~", "~0").replace("/", "~1");
      JsonNode child = e.getValue();
      String name = child.hasNonNull("name") ? child.get("name").asText() : e.getKey();
      String full = prefix.isEmpty() ? name : prefix + " / " + name;
      String type = child.path("type").asText("REQUEST");
      if (type.equals("GROUP")) {
        walk(n, child, cat, full, out);
      } else {
        out.add(endpoint(n, full, n.object(child, "stats", cat), cat + "/stats"));
      }
    }
  }

  private static EndpointResult endpoint(Nodes n, String name, JsonNode stats, String at)
      throws InvalidInputException {
    JsonNode count = n.object(stats, "numberOfRequests", at);
    long total = (long) n.number(count, "total", at + "/numberOfRequests");
    Double ko = n.optNumber(count, "ko", at + "/numberOfRequests");
    Latency latency = new Latency(total(n, stats, "percentiles1", at), null, total(n, stats, "percentiles4", at),
        null, total(n, stats, "maxResponseTime", at), total(n, stats, "meanResponseTime", at));
    Map<String, Metric> metrics = new LinkedHashMap<>();
    Double p75 = total(n, stats, "percentiles2", at);
    Double p95 = total(n, stats, "percentiles3", at);
    if (p75 != null) {
      metrics.put("latency.p75", new Metric(p75, "ms", false));
    }
    if (p95 != null) {
      metrics.put("latency.p95", new Metric(p95, "ms", false));
    }
    Double sd = total(n, stats, "standardDeviation", at);
    if (sd != null) {
      metrics.put("latency.stddev", new Metric(sd, "ms", false));
    }
    return new EndpointResult(name, total, new Errors(0, 0, 0, ko == null ? 0 : ko.longValue()),
        total(n, stats, "meanNumberOfRequestsPerSecond", at), latency, metrics);
  }

  private static Double total(Nodes n, JsonNode stats, String field, String at) throws InvalidInputException {
    JsonNode v = stats.get(field);
    if (v == null) {
      return null;
    }
    return n.optNumber(v, "total", at + "/" + field);
  }
}
