package dev.slipway.perf.load;

import dev.slipway.common.Durations;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.slipway.common.InvalidInputException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a scenario YAML file in one of two shapes, told apart by their top level:
 *
 * <ul>
 *   <li>Slipway's: {@code target}, {@code phases[]{duration, arrivalRate, rampTo}}, {@code requests[]{name, method,
 *       path, headers, body | json, expect, weight, think}};
 *   <li>Artillery's (the subset old pipelines use): {@code config.target}, {@code config.phases[]{duration,
 *       arrivalRate, rampTo} | {pause}}, {@code config.defaults.headers}, {@code scenarios[]{name, weight,
 *       flow[]{get|post|put|patch|delete|head: {url, json, body, headers}} | {think: seconds}}}, so existing scripts
 *       run unchanged.
 * </ul>
 *
 * <p>Anything else is refused with the file, the line and what is accepted, rather than silently ignored: a
 * scenario that quietly drops a step would measure something else.
 */
public final class ScenarioFile {
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete", "head");

  private final Path file;
  private final String text;
  private final List<String> warnings = new ArrayList<>();

  private ScenarioFile(Path file, String text) {
    this.file = file;
    this.text = text;
  }

  public static Workload load(Path file) throws InvalidInputException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("perf.scenario: " + file + " does not exist", e);
    } catch (IOException e) {
      throw new InvalidInputException("perf.scenario: cannot read " + file + " (" + e.getMessage() + ")", e);
    }
    return new ScenarioFile(file, text).parse();
  }

  private Workload parse() throws InvalidInputException {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      throw new InvalidInputException(file + (loc == null ? "" : ":" + loc.getLineNr()) + ": not valid YAML ("
          + e.getOriginalMessage() + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw error("/", "expected a mapping with either 'requests' (Slipway) or 'config' + 'scenarios' (Artillery)");
    }
    if (root.has("scenarios") || root.has("config")) {
      return artillery(root);
    }
    if (root.has("requests")) {
      return slipway(root);
    }
    throw error("/", "expected a mapping with either 'requests' (Slipway) or 'config' + 'scenarios' (Artillery)");
  }

  private Workload slipway(JsonNode root) throws InvalidInputException {
    allow(root, "/", Set.of("target", "phases", "requests"));
    URI target = root.has("target") ? uri(root.get("target"), "/target") : null;
    List<Phase> phases = phases(root.get("phases"), "/phases");
    JsonNode reqs = root.get("requests");
    if (!reqs.isArray() || reqs.isEmpty()) {
      throw error("/requests", "expected a non-empty list of requests {name, method, path, headers, body, expect, "
          + "weight, think}");
    }
    List<Scenario> scenarios = new ArrayList<>();
    for (int i = 0; i < reqs.size(); i++) {
      String at = "/requests/" + i;
      JsonNode r = reqs.get(i);
      allow(r, at, Set.of("name", "method", "path", "url", "headers", "body", "json", "expect", "weight", "think"));
      String method = r.path("method").asText("GET");
      if (!METHODS.contains(method.toLowerCase(java.util.Locale.ROOT))) {
        throw error(at + "/method", "method '" + method + "' is not one of GET, POST, PUT, PATCH, DELETE, HEAD");
      }
      String path = text(r, r.has("path") ? "path" : "url", at, target);
      ObjectNode copy = r.deepCopy();
      byte[] body = body(copy, at);
      RequestSpec spec = new RequestSpec(r.path("name").asText(null), method, path, headers(copy.get("headers"),
          at + "/headers", Map.of()), body, expect(r.get("expect"), at + "/expect"),
          r.has("think") ? duration(r.get("think"), at + "/think") : null);
      scenarios.add(Scenario.of(spec, weight(r, at)));
    }
    return new Workload(target, phases, scenarios, file.toString(), warnings);
  }

  private Workload artillery(JsonNode root) throws InvalidInputException {
    JsonNode config = root.path("config");
    for (String ignored : List.of("ensure", "http", "tls", "plugins")) {
      if (config.has(ignored)) {
        warnings.add(where("/config/" + ignored) + ": Artillery's '" + ignored + "' has no effect in perf:load"
            + (ignored.equals("ensure") ? " (use perf:compare as the gate)" : "")
            + (ignored.equals("plugins") ? " (per-endpoint metrics are always recorded)" : ""));
      }
    }
    for (String unsupported : List.of("payload", "variables", "processor", "environments")) {
      if (config.has(unsupported)) {
        throw error("/config/" + unsupported, "Artillery's '" + unsupported + "' is not supported; supported: "
            + "config.target, config.phases, config.defaults.headers, scenarios[].flow[] get/post/put/patch/delete/"
            + "head with url, json, body, headers, and think");
      }
    }
    URI target = config.has("target") ? uri(config.get("target"), "/config/target") : null;
    List<Phase> phases = phases(config.get("phases"), "/config/phases");
    Map<String, String> defaults = headers(config.path("defaults").get("headers"), "/config/defaults/headers",
        Map.of());
    JsonNode list = root.get("scenarios");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw error("/scenarios", "expected a non-empty list of scenarios {name, weight, flow: [...]}");
    }
    List<Scenario> scenarios = new ArrayList<>();
    for (int s = 0; s < list.size(); s++) {
      String at = "/scenarios/" + s;
      JsonNode sc = list.get(s);
      allow(sc, at, Set.of("name", "weight", "flow"));
      JsonNode flow = sc.get("flow");
      if (flow == null || !flow.isArray() || flow.isEmpty()) {
        throw error(at + "/flow", "expected a non-empty list of steps (get, post, put, patch, delete, head, think)");
      }
      List<RequestSpec> steps = new ArrayList<>();
      for (int i = 0; i < flow.size(); i++) {
        String sat = at + "/flow/" + i;
        JsonNode step = flow.get(i);
        if (!step.isObject() || step.isEmpty()) {
          throw error(sat, "expected one step such as {get: {url: /path}} or {think: 1}");
        }
        String kind = step.fieldNames().next();
        if (!METHODS.contains(kind) && !kind.equals("think")) {
          throw error(sat, "flow step '" + kind + "' is not supported; supported: get, post, put, patch, delete, "
              + "head, think");
        }
        if (step.size() != 1) {
          throw error(sat, "a step has exactly one key such as get or think");
        }
        JsonNode v = step.get(kind);
        if (kind.equals("think")) {
          if (steps.isEmpty()) {
            throw error(sat, "a flow cannot start with 'think'; put it after a request");
          }
          RequestSpec prev = steps.remove(steps.size() - 1);
          Duration think = prev.think().plus(duration(v, sat + "/think"));
          steps.add(new RequestSpec(prev.name(), prev.method(), prev.path(), prev.headers(), prev.body(),
              prev.expect(), think));
          continue;
        }
        String rat = sat + "/" + kind;
        allow(v, rat, Set.of("url", "json", "body", "headers", "name", "expect"));
        String path = text(v, "url", rat, target);
        ObjectNode copy = v.deepCopy();
        byte[] body = body(copy, rat);
        steps.add(new RequestSpec(v.path("name").asText(null), kind, path, headers(copy.get("headers"),
            rat + "/headers", defaults), body, artilleryExpect(v.get("expect"), rat + "/expect"), null));
      }
      String name = sc.path("name").asText(null);
      scenarios.add(new Scenario(name, weight(sc, at), steps));
    }
    return new Workload(target, phases, scenarios, file.toString(), warnings);
  }

  private List<Phase> phases(JsonNode node, String at) throws InvalidInputException {
    List<Phase> out = new ArrayList<>();
    if (node == null) {
      return out;
    }
    if (!node.isArray()) {
      throw error(at, "expected a list of phases {duration, arrivalRate, rampTo}");
    }
    for (int i = 0; i < node.size(); i++) {
      String pat = at + "/" + i;
      JsonNode p = node.get(i);
      allow(p, pat, Set.of("duration", "arrivalRate", "rampTo", "pause", "name", "arrivalCount"));
      if (p.has("pause")) {
        out.add(Phase.constant(duration(p.get("pause"), pat + "/pause"), 0));
        continue;
      }
      if (!p.has("duration")) {
        throw error(pat, "a phase needs 'duration' (e.g. 60 or 30s) and 'arrivalRate' (per second)");
      }
      Duration d = duration(p.get("duration"), pat + "/duration");
      if (d.isZero()) {
        throw error(pat + "/duration", "a phase must last longer than 0");
      }
      double rate;
      if (p.has("arrivalCount")) {
        rate = number(p.get("arrivalCount"), pat + "/arrivalCount") / (d.toNanos() / 1e9);
      } else if (p.has("arrivalRate")) {
        rate = number(p.get("arrivalRate"), pat + "/arrivalRate");
      } else {
        throw error(pat, "a phase needs 'arrivalRate' (arrivals per second) or 'arrivalCount'");
      }
      double rampTo = p.has("rampTo") ? number(p.get("rampTo"), pat + "/rampTo") : rate;
      out.add(new Phase(d, rate, rampTo));
    }
    return out;
  }

  private URI uri(JsonNode n, String at) throws InvalidInputException {
    try {
      URI u = URI.create(n.asText());
      if (!"http".equals(u.getScheme()) || u.getHost() == null) {
        throw error(at, "expected an http:// URL with a host, found '" + n.asText() + "'");
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw error(at, "'" + n.asText() + "' is not a URL (" + e.getMessage() + ")");
    }
  }

  /** A request path; an absolute URL must point at the target, because load never goes anywhere else. */
  private String text(JsonNode r, String field, String at, URI target) throws InvalidInputException {
    JsonNode v = r.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw error(at, "missing '" + field + "' (the request path, e.g. /health)");
    }
    String s = v.asText();
    if (s.contains("{{")) {
      throw error(at + "/" + field, "template expressions ({{ ... }}) are not supported; use a literal path");
    }
    if (s.startsWith("http://") || s.startsWith("https://")) {
      URI u = uri(v, at + "/" + field);
      if (target != null && (!u.getHost().equals(target.getHost()) || port(u) != port(target))) {
        throw error(at + "/" + field, "URL " + s + " is not on the target " + target
            + "; requests only ever go to the target");
      }
      String p = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
      return u.getRawQuery() == null ? p : p + "?" + u.getRawQuery();
    }
    return s;
  }

  static int port(URI u) {
    return u.getPort() < 0 ? 80 : u.getPort();
  }

  private Map<String, String> headers(JsonNode n, String at, Map<String, String> defaults)
      throws InvalidInputException {
    Map<String, String> out = new LinkedHashMap<>(defaults);
    if (n == null) {
      return out;
    }
    if (!n.isObject()) {
      throw error(at, "expected a mapping of header name to value");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isValueNode()) {
        throw error(at + "/" + e.getKey(), "a header value must be a string");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  private byte[] body(JsonNode r, String at) throws InvalidInputException {
    if (r.has("json") && r.has("body")) {
      throw error(at, "give either 'json' or 'body', not both");
    }
    if (r.has("json")) {
      if (r instanceof ObjectNode o) {
        ObjectNode h = o.has("headers") && o.get("headers").isObject() ? (ObjectNode) o.get("headers")
            : o.putObject("headers");
        if (!h.has("Content-Type") && !h.has("content-type")) {
          h.put("Content-Type", "application/json");
        }
      }
      try {
        return JSON.writeValueAsBytes(r.get("json"));
      } catch (JsonProcessingException e) {
        throw error(at + "/json", "cannot encode as JSON: " + e.getOriginalMessage());
      }
    }
    if (r.has("body")) {
      return r.get("body").asText().getBytes(StandardCharsets.UTF_8);
    }
    return null;
  }

  private ExpectedStatus expect(JsonNode n, String at) throws InvalidInputException {
    return n == null ? null : ExpectedStatus.parse(n.asText(), where(at));
  }

  /** artillery-plugin-expect's {@code expect: [{statusCode: 200}]}; other expectations are refused. */
  private ExpectedStatus artilleryExpect(JsonNode n, String at) throws InvalidInputException {
    if (n == null) {
      return null;
    }
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      JsonNode e = n.get(i);
      if (!e.has("statusCode")) {
        throw error(at + "/" + i, "only 'statusCode' expectations are supported");
      }
      JsonNode sc = e.get("statusCode");
      if (sc.isArray()) {
        sc.forEach(c -> codes.add(c.asText()));
      } else {
        codes.add(sc.asText());
      }
    }
    return ExpectedStatus.parse(String.join(",", codes), where(at));
  }

  private int weight(JsonNode r, String at) throws InvalidInputException {
    if (!r.has("weight")) {
      return 1;
    }
    JsonNode w = r.get("weight");
    if (!w.canConvertToInt() || w.asInt() < 0) {
      throw error(at + "/weight", "expected a whole number >= 0, found " + w);
    }
    return w.asInt();
  }

  private Duration duration(JsonNode n, String at) throws InvalidInputException {
    return Durations.parse(n.asText(), where(at));
  }

  private double number(JsonNode n, String at) throws InvalidInputException {
    if (!n.isNumber() && !(n.isTextual() && n.asText().matches("\\d+(\\.\\d+)?"))) {
      throw error(at, "expected a number, found " + n);
    }
    double v = n.asDouble();
    if (v < 0) {
      throw error(at, "expected a number >= 0, found " + n);
    }
    return v;
  }

  private void allow(JsonNode n, String at, Set<String> keys) throws InvalidInputException {
    if (!n.isObject()) {
      throw error(at, "expected a mapping with keys " + new java.util.TreeSet<>(keys));
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!keys.contains(k)) {
        throw error(at + "/" + k, "unknown key '" + k + "'; accepted here: " + new java.util.TreeSet<>(keys));
      }
    }
  }

  private String where(String pointer) {
    int line = YamlPointers.lineOf(text, pointer);
    return file + (line > 0 ? ":" + line : "") + " at " + pointer;
  }

  private InvalidInputException error(String pointer, String message) {
    return new InvalidInputException(where(pointer) + ": " + message);
  }
}
