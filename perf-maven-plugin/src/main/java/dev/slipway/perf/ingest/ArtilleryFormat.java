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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Artillery's {@code --output} JSON. Version 2: {@code aggregate.counters} ({@code http.requests},
 * {@code http.responses}, {@code http.codes.<n>}, {@code errors.<code>}), {@code aggregate.summaries
 * ["http.response_time"]} and, when the metrics-by-endpoint plugin ran, one endpoint per
 * {@code plugins.metrics-by-endpoint.response_time.<url>} summary. Version 1: {@code aggregate.latency
 * {min, max, median, p95, p99}}, {@code codes}, {@code errors}, {@code rps}. Artillery's phases are an open model.
 * Responses with status 400 and above count as status errors; {@code ETIMEDOUT}/{@code ESOCKETTIMEDOUT} as
 * timeouts, {@code ECONNREFUSED}/{@code ENOTFOUND}/{@code EHOSTUNREACH} as connect errors, other error codes as other.
 */
public final class ArtilleryFormat implements ResultFormat {
  static final String SHAPE = "Artillery --output JSON: {aggregate: {counters, summaries{\"http.response_time\"}, "
      + "firstCounterAt, lastCounterAt}} (v2) or {aggregate: {latency{median, p95, p99}, codes, errors, rps}} (v1)";
  private static final String PLUGIN = "plugins.metrics-by-endpoint.";
  private static final String BY_ENDPOINT = "plugins.metrics-by-endpoint.response_time.";

  @Override
  public String name() {
    return "Artillery JSON";
  }

  @Override
  public String expectedShape() {
    return SHAPE;
  }

  @Override
  public boolean detects(Path file, JsonNode json, String head) {
    if (json == null || !json.isObject() || !json.has("aggregate")) {
      return false;
    }
    JsonNode a = json.get("aggregate");
    return a.has("counters") || a.has("summaries") || a.has("latency");
  }

  @Override
  public List<RunResult> read(Path file, JsonNode json) throws InvalidInputException {
    Nodes n = new Nodes(file, SHAPE);
    JsonNode a = n.object(json, "aggregate", "");
    boolean v1 = a.has("latency") && a.has("requestsCompleted") && !a.has("summaries") && !a.has("histograms");
    return List.of(v1 ? v1(n, a) : v2(n, a));
  }

  private RunResult v2(Nodes n, JsonNode a) throws InvalidInputException {
    String at = "/aggregate";
    JsonNode counters = a.has("counters") ? n.object(a, "counters", at) : a.path("counters");
    JsonNode summaries = a.has("summaries") ? n.object(a, "summaries", at)
        : a.has("histograms") ? n.object(a, "histograms", at) : a.path("summaries");
    String sumAt = at + (a.has("summaries") ? "/summaries" : "/histograms");
    Double first = n.optNumber(a, "firstCounterAt", at);
    Double last = n.optNumber(a, "lastCounterAt", at);
    if (first == null) {
      first = n.optNumber(a, "firstMetricAt", at);
    }
    if (last == null) {
      last = n.optNumber(a, "lastMetricAt", at);
    }
    double duration = first != null && last != null ? Math.max(0, (last - first) / 1000.0) : 0;
    long requests = count(n, counters, "http.requests", at + "/counters");
    long statusErrors = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = counters.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().startsWith("http.codes.")) {
        String code = e.getKey().substring("http.codes.".length());
        if (code.matches("\\d{3}") && Integer.parseInt(code) >= 400) {
          statusErrors += (long) n.number(e.getValue(), at + "/counters/" + e.getKey());
        }
      }
    }
    Errors errors = errors(n, counters, at + "/counters", "errors.", statusErrors);
    JsonNode rate = a.path("rates").get("http.request_rate");
    Double throughput = rate != null ? n.optNumber(rate, at + "/rates/http.request_rate") : null;
    long responses = count(n, counters, "http.responses", at + "/counters");
    if (duration > 0) {
      // Artillery's request_rate is a per-second rate of the last window; the whole-run figure is responses/time.
      throughput = responses / duration;
    }
    JsonNode rt = summaries.get("http.response_time");
    Latency latency = rt == null ? null : latency(n, rt, sumAt + "/http.response_time", true);
    Map<String, Metric> extra = new LinkedHashMap<>();
    if (rt != null) {
      putMs(extra, n, rt, "p75", sumAt + "/http.response_time");
      putMs(extra, n, rt, "p95", sumAt + "/http.response_time");
    }
    long vusersFailed = count(n, counters, "vusers.failed", at + "/counters");
    if (vusersFailed > 0) {
      extra.put("vusers.failed", new Metric(vusersFailed, "count", false));
    }
    EndpointResult total = new EndpointResult("total", Math.max(requests, responses + errors.timeout()
        + errors.connect() + errors.other()), errors, throughput, latency, extra);
    // Endpoints of the metrics-by-endpoint plugin: a response-time summary per endpoint, and counters
    // "<prefix><name>.codes.<status>" and "<prefix><name>.errors.<code>" (ETIMEDOUT, ECONNRESET, ...). An endpoint
    // whose requests all failed has counters but no summary, so names are collected from both.
    Map<String, JsonNode> times = new LinkedHashMap<>();
    Map<String, String> timesAt = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = summaries.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().startsWith(BY_ENDPOINT)) {
        String url = e.getKey().substring(BY_ENDPOINT.length());
        times.put(url, e.getValue());
        timesAt.put(url, sumAt + "/" + e.getKey().replace("~", "~0").replace("/", "~1"));
      }
    }
    Map<String, Map<String, Long>> codes = new LinkedHashMap<>();
    Map<String, Map<String, Long>> errorCodes = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> c = counters.fields(); c.hasNext(); ) {
      Map.Entry<String, JsonNode> ce = c.next();
      String key = ce.getKey();
      if (!key.startsWith(PLUGIN) || key.startsWith(BY_ENDPOINT)) {
        continue;
      }
      String rest = key.substring(PLUGIN.length());
      int codesAt = rest.lastIndexOf(".codes.");
      int errorsAt = rest.lastIndexOf(".errors.");
      long v = (long) n.number(ce.getValue(), at + "/counters/" + key.replace("~", "~0").replace("/", "~1"));
      if (codesAt > 0 && codesAt > errorsAt) {
        codes.computeIfAbsent(rest.substring(0, codesAt), k -> new java.util.TreeMap<>())
            .merge(rest.substring(codesAt + ".codes.".length()), v, Long::sum);
      } else if (errorsAt > 0) {
        errorCodes.computeIfAbsent(rest.substring(0, errorsAt), k -> new LinkedHashMap<>())
            .merge(rest.substring(errorsAt + ".errors.".length()), v, Long::sum);
      }
    }
    java.util.Set<String> names = new java.util.LinkedHashSet<>(times.keySet());
    names.addAll(codes.keySet());
    names.addAll(errorCodes.keySet());
    List<EndpointResult> endpoints = new ArrayList<>();
    for (String url : names) {
      Map<String, Long> byStatus = codes.getOrDefault(url, Map.of());
      long epStatus = 0;
      long responsesOf = 0;
      for (Map.Entry<String, Long> ce : byStatus.entrySet()) {
        responsesOf += ce.getValue();
        if (ce.getKey().matches("\\d{3}") && Integer.parseInt(ce.getKey()) >= 400) {
          epStatus += ce.getValue();
        }
      }
      JsonNode summary = times.get(url);
      if (summary != null) {
        responsesOf = Math.max(responsesOf, (long) n.number(summary, "count", timesAt.get(url)));
      }
      Errors failed = classify(errorCodes.getOrDefault(url, Map.of()), epStatus);
      long count = responsesOf + failed.timeout() + failed.connect() + failed.other();
      endpoints.add(new EndpointResult(url, count, failed, duration > 0 ? responsesOf / duration : null,
          summary == null ? null : latency(n, summary, timesAt.get(url), true), null, byStatus));
    }
    if (endpoints.isEmpty()) {
      endpoints.add(total);
    }
    Instant started = first == null ? null : Instant.ofEpochMilli(first.longValue());
    return new RunResult(RunResult.SCHEMA_VERSION, "artillery", WorkloadModel.OPEN, started, duration, 0, null, null,
        null, null, Map.of("artilleryFormat", "v2"), total, endpoints);
  }

  private RunResult v1(Nodes n, JsonNode a) throws InvalidInputException {
    String at = "/aggregate";
    JsonNode lat = n.object(a, "latency", at);
    long completed = (long) n.number(a, "requestsCompleted", at);
    long statusErrors = 0;
    JsonNode codes = a.path("codes");
    for (Iterator<Map.Entry<String, JsonNode>> it = codes.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().matches("\\d{3}") && Integer.parseInt(e.getKey()) >= 400) {
        statusErrors += (long) n.number(e.getValue(), at + "/codes/" + e.getKey());
      }
    }
    Errors errors = errors(n, a.path("errors"), at + "/errors", "", statusErrors);
    Double throughput = a.has("rps") ? n.optNumber(a.get("rps"), "mean", at + "/rps") : null;
    Latency latency = new Latency(n.optNumber(lat, "median", at + "/latency"), null,
        n.optNumber(lat, "p99", at + "/latency"), n.optNumber(lat, "p999", at + "/latency"),
        n.optNumber(lat, "max", at + "/latency"), n.optNumber(lat, "mean", at + "/latency"));
    Map<String, Metric> extra = new LinkedHashMap<>();
    putMs(extra, n, lat, "p95", at + "/latency");
    long requests = completed + errors.timeout() + errors.connect() + errors.other();
    Double duration = null;
    if (throughput != null && throughput > 0) {
      duration = completed / throughput;
    }
    Instant started = null;
    if (a.hasNonNull("timestamp")) {
      try {
        started = Instant.parse(a.get("timestamp").asText());
      } catch (java.time.format.DateTimeParseException e) {
        throw n.error(at + "/timestamp", "'" + a.get("timestamp").asText() + "' is not an ISO-8601 time");
      }
    }
    EndpointResult total = new EndpointResult("total", requests, errors, throughput, latency, extra);
    return new RunResult(RunResult.SCHEMA_VERSION, "artillery", WorkloadModel.OPEN, started,
        duration == null ? 0 : duration, 0, null, null, null, null, Map.of("artilleryFormat", "v1"), total,
        List.of(total));
  }

  private static Latency latency(Nodes n, JsonNode s, String at, boolean v2) throws InvalidInputException {
    Double p50 = n.optNumber(s, "p50", at);
    if (p50 == null) {
      p50 = n.optNumber(s, "median", at);
    }
    return new Latency(p50, n.optNumber(s, "p90", at), n.optNumber(s, "p99", at), n.optNumber(s, "p999", at),
        n.optNumber(s, "max", at), n.optNumber(s, "mean", at));
  }

  private static void putMs(Map<String, Metric> m, Nodes n, JsonNode s, String field, String at)
      throws InvalidInputException {
    Double v = n.optNumber(s, field, at);
    if (v != null) {
      m.put("latency." + field, new Metric(v, "ms", false));
    }
  }

  private static long count(Nodes n, JsonNode counters, String name, String at) throws InvalidInputException {
    Double v = n.optNumber(counters.get(name), at + "/" + name);
    return v == null ? 0 : v.longValue();
  }

  private static Errors classify(Map<String, Long> errorCodes, long status) {
    long timeout = 0;
    long connect = 0;
    long other = 0;
    for (Map.Entry<String, Long> e : errorCodes.entrySet()) {
      switch (e.getKey()) {
        case "ETIMEDOUT", "ESOCKETTIMEDOUT" -> timeout += e.getValue();
        case "ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN" -> connect += e.getValue();
        default -> other += e.getValue();
      }
    }
    return new Errors(status, timeout, connect, other);
  }

  private static Errors errors(Nodes n, JsonNode node, String at, String prefix, long status)
      throws InvalidInputException {
    long timeout = 0;
    long connect = 0;
    long other = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().startsWith(prefix)) {
        continue;
      }
      String code = e.getKey().substring(prefix.length());
      long v = (long) n.number(e.getValue(), at + "/" + e.getKey());
      switch (code) {
        case "ETIMEDOUT", "ESOCKETTIMEDOUT" -> timeout += v;
        case "ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN" -> connect += v;
        default -> other += v;
      }
    }
    return new Errors(status, timeout, connect, other);
  }
}
