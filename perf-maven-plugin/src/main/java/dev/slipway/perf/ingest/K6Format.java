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
 * k6's end-of-test summary: {@code handleSummary()}'s data ({@code metrics.<name>{type, values{...}}}) or the older
 * {@code --summary-export} file (values directly under the metric). {@code http_req_duration} gives the latency
 * ({@code med}, {@code p(90)}, {@code p(99)} when configured in summaryTrendStats), {@code http_reqs} the count and
 * rate, {@code http_req_failed} the failures (k6 does not tell timeouts from bad statuses there; they count as
 * {@code other}). Sub-metrics such as {@code http_req_duration{name:login}} become endpoints.
 */
public final class K6Format implements ResultFormat {
  static final String SHAPE = "k6 summary JSON: {metrics: {http_req_duration: {values: {med, \"p(90)\", max, avg}}, "
      + "http_reqs: {values: {count, rate}}, http_req_failed: {values: {passes, fails}}}, state{testRunDurationMs}}";

  @Override
  public String name() {
    return "k6 summary";
  }

  @Override
  public String expectedShape() {
    return SHAPE;
  }

  @Override
  public boolean detects(Path file, JsonNode json, String head) {
    if (json == null || !json.isObject() || !json.path("metrics").isObject()) {
      return false;
    }
    JsonNode m = json.get("metrics");
    return m.has("http_req_duration") || m.has("http_reqs") || m.has("iterations");
  }

  @Override
  public List<RunResult> read(Path file, JsonNode json) throws InvalidInputException {
    Nodes n = new Nodes(file, SHAPE);
    JsonNode metrics = n.object(json, "metrics", "");
    Double durationMs = n.optNumber(json.path("state").get("testRunDurationMs"), "/state/testRunDurationMs");
    double duration = durationMs == null ? 0 : durationMs / 1000.0;
    JsonNode reqs = values(metrics.get("http_reqs"));
    long count = reqs == null ? 0 : (long) n.number(reqs, "count", "/metrics/http_reqs");
    Double rate = reqs == null ? null : n.optNumber(reqs, "rate", "/metrics/http_reqs");
    if (duration == 0 && rate != null && rate > 0) {
      duration = count / rate;
    }
    JsonNode failed = values(metrics.get("http_req_failed"));
    long failures = 0;
    if (failed != null) {
      // http_req_failed is a Rate metric whose "true" samples (passes) are the failed requests.
      Double passes = n.optNumber(failed, "passes", "/metrics/http_req_failed");
      failures = passes == null ? 0 : passes.longValue();
    }
    JsonNode dur = values(metrics.get("http_req_duration"));
    Latency latency = dur == null ? null : latency(n, dur, "/metrics/http_req_duration");
    Map<String, Metric> extra = new LinkedHashMap<>();
    if (dur != null) {
      Double p95 = n.optNumber(dur, "p(95)", "/metrics/http_req_duration");
      if (p95 != null) {
        extra.put("latency.p95", new Metric(p95, "ms", false));
      }
    }
    EndpointResult total = new EndpointResult("total", count, new Errors(0, 0, 0, failures), rate, latency, extra);
    List<EndpointResult> endpoints = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = metrics.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      if (key.startsWith("http_req_duration{") && !key.startsWith("http_req_duration{expected_response:")) {
        String tag = key.substring("http_req_duration{".length(), key.length() - 1);
        String at = "/metrics/" + key.replace("~", "~0").replace("/", "~1");
        JsonNode v = values(e.getValue());
        JsonNode sub = values(metrics.get("http_reqs{" + tag + "}"));
        long subCount = sub == null ? 0 : (long) n.number(sub, "count", at);
        Double subRate = sub == null ? null : n.optNumber(sub, "rate", at);
        // the sub-metric's failures; without one, the failures cannot be placed on an endpoint, which the total
        // still carries (and the error budget checks)
        JsonNode subFailed = values(metrics.get("http_req_failed{" + tag + "}"));
        long subFailures = 0;
        if (subFailed != null) {
          Double passes = n.optNumber(subFailed, "passes", "/metrics/http_req_failed{" + tag + "}");
          subFailures = passes == null ? 0 : passes.longValue();
          if (sub == null) {
            Double fails = n.optNumber(subFailed, "fails", "/metrics/http_req_failed{" + tag + "}");
            subCount = subFailures + (fails == null ? 0 : fails.longValue());
          }
        }
        endpoints.add(new EndpointResult(tag.startsWith("name:") ? tag.substring(5) : tag, subCount,
            new Errors(0, 0, 0, subFailures), subRate, latency(n, v, at), null));
      }
    }
    if (endpoints.isEmpty()) {
      endpoints.add(total);
    } else if (failures > endpoints.stream().mapToLong(e -> e.errors().total()).sum()) {
      // failures of requests outside the named sub-metrics (or sub-metrics without http_req_failed thresholds):
      // kept as an endpoint of their own so that no error disappears from the per-endpoint view
      long placed = endpoints.stream().mapToLong(e -> e.errors().total()).sum();
      long placedRequests = endpoints.stream().mapToLong(EndpointResult::requests).sum();
      endpoints.add(new EndpointResult("(other requests)", Math.max(count - placedRequests, failures - placed),
          new Errors(0, 0, 0, failures - placed), null, null, null));
    }
    return List.of(new RunResult(RunResult.SCHEMA_VERSION, "k6", WorkloadModel.UNKNOWN, null, duration, 0, null,
        null, null, null, Map.of(), total, endpoints));
  }

  /** handleSummary data nests under "values"; --summary-export puts the values on the metric itself. */
  private static JsonNode values(JsonNode metric) {
    if (metric == null) {
      return null;
    }
    return metric.has("values") ? metric.get("values") : metric;
  }

  private static Latency latency(Nodes n, JsonNode v, String at) throws InvalidInputException {
    return new Latency(n.optNumber(v, "med", at), n.optNumber(v, "p(90)", at), n.optNumber(v, "p(99)", at),
        n.optNumber(v, "p(99.9)", at), n.optNumber(v, "max", at), n.optNumber(v, "avg", at));
  }
}
