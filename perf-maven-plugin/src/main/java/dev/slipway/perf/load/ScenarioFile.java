package dev.slipway.perf.load;

import dev.slipway.common.Durations;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.slipway.common.InvalidInputException;
import dev.slipway.perf.compare.ErrorBudget;
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
    return new Workload(target, phases, scenarios, file.toString(), warnings, null, VuData.NONE);
  }

  /** Names of everything in a script that needs Artillery's JavaScript, refused wherever it appears. */
  private static final Set<String> JAVASCRIPT = Set.of("processor", "beforeRequest", "afterResponse", "function",
      "beforeScenario", "afterScenario", "onError", "whileTrue", "ifTrue", "transform");
  private static final String SUPPORTED = "supported: config.target, phases, defaults.headers, payload (CSV), "
      + "variables, ensure; flow steps get/post/put/patch/delete/head {url, json, body, form, qs, headers, capture, "
      + "expect, name}, think, loop {count | over}, log";
  private final Set<String> defined = new java.util.HashSet<>(Set.of("$loopElement", "$loopCount"));
  private final List<String[]> used = new ArrayList<>();

  private Workload artillery(JsonNode root) throws InvalidInputException {
    refuseJavaScript(root, "");
    for (String topLevel : List.of("before", "after")) {
      if (root.has(topLevel)) {
        throw error("/" + topLevel, "Artillery's top-level '" + topLevel + "' flow is not supported (it runs once "
            + "per test, usually a processor function); " + SUPPORTED);
      }
    }
    JsonNode config = root.path("config");
    for (String ignored : List.of("http", "tls", "environments", "apdex")) {
      if (config.has(ignored)) {
        warnings.add(where("/config/" + ignored) + ": Artillery's '" + ignored + "' has no effect in perf:load"
            + (ignored.equals("environments") ? " (only the top-level config is used)" : ""));
      }
    }
    if (config.has("plugins")) {
      for (Iterator<String> it = config.get("plugins").fieldNames(); it.hasNext(); ) {
        String plugin = it.next();
        if (!Set.of("ensure", "expect", "metrics-by-endpoint", "apdex").contains(plugin)) {
          warnings.add(where("/config/plugins/" + plugin) + ": Artillery plugin '" + plugin + "' has no effect in "
              + "perf:load");
        }
      }
    }
    URI target = config.has("target") ? uri(config.get("target"), "/config/target") : null;
    List<Phase> phases = phases(config.get("phases"), "/config/phases");
    Map<String, String> defaults = headers(config.path("defaults").get("headers"), "/config/defaults/headers",
        Map.of());
    List<Payload> payloads = payloads(config.get("payload"), "/config/payload");
    Map<String, List<JsonNode>> variables = variables(config.get("variables"), "/config/variables");
    ErrorBudget.Ensure ensure = ensure(config.get("ensure"), config.path("plugins").get("ensure"));
    JsonNode list = root.get("scenarios");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw error("/scenarios", "expected a non-empty list of scenarios {name, weight, flow: [...]}");
    }
    List<Scenario> scenarios = new ArrayList<>();
    for (int s = 0; s < list.size(); s++) {
      String at = "/scenarios/" + s;
      JsonNode sc = list.get(s);
      allow(sc, at, Set.of("name", "weight", "flow", "engine"));
      if (sc.has("engine") && !sc.get("engine").asText().equals("http")) {
        throw error(at + "/engine", "engine '" + sc.get("engine").asText() + "' is not supported; perf:load speaks "
            + "HTTP/1.1 only");
      }
      JsonNode flow = sc.get("flow");
      if (flow == null || !flow.isArray() || flow.isEmpty()) {
        throw error(at + "/flow", "expected a non-empty list of steps (get, post, put, patch, delete, head, think, "
            + "loop)");
      }
      List<FlowStep> steps = flow(flow, at + "/flow", target, defaults);
      String name = sc.path("name").asText(null);
      try {
        scenarios.add(new Scenario(name, weight(sc, at), steps));
      } catch (IllegalArgumentException e) {
        throw error(at + "/flow", "the flow sends no request");
      }
    }
    for (String[] u : used) {
      if (!defined.contains(u[0])) {
        throw error(u[1], "template variable '" + u[0] + "' is never set: no capture 'as: " + u[0] + "', payload "
            + "field or config.variables entry of that name");
      }
    }
    return new Workload(target, phases, scenarios, file.toString(), warnings, ensure,
        new VuData(payloads, variables));
  }

  /** Refuses, by name and line, anything that needs Artillery's JavaScript (hooks, functions, processors). */
  private void refuseJavaScript(JsonNode n, String at) throws InvalidInputException {
    if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String child = at + "/" + e.getKey();
        if (JAVASCRIPT.contains(e.getKey()) && !at.endsWith("/json")) {
          throw error(child, "Artillery's '" + e.getKey() + "' needs JavaScript (a processor function), which "
              + "perf:load does not run; express it with capture, expect, loop and templates, or keep this script "
              + "on Artillery");
        }
        refuseJavaScript(e.getValue(), child);
      }
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        refuseJavaScript(n.get(i), at + "/" + i);
      }
    }
  }

  private List<FlowStep> flow(JsonNode flow, String at, URI target, Map<String, String> defaults)
      throws InvalidInputException {
    List<FlowStep> steps = new ArrayList<>();
    for (int i = 0; i < flow.size(); i++) {
      String sat = at + "/" + i;
      JsonNode step = flow.get(i);
      if (!step.isObject() || step.isEmpty()) {
        throw error(sat, "expected one step such as {get: {url: /path}}, {think: 1} or {loop: [...], count: 3}");
      }
      String kind = step.fieldNames().next();
      if (kind.equals("loop") || step.has("loop")) {
        steps.add(loop(step, sat, target, defaults));
        continue;
      }
      if (step.size() != 1) {
        throw error(sat, "a step has exactly one key such as get or think");
      }
      JsonNode v = step.get(kind);
      switch (kind) {
        case "think" -> steps.add(new FlowStep.Think(duration(v, sat + "/think")));
        case "log" -> {
          if (!logWarned) {
            logWarned = true;
            warnings.add(where(sat) + ": 'log' steps are accepted but print nothing in perf:load");
          }
          if (v.isTextual()) {
            use(v.asText(), sat + "/log");
          }
        }
        default -> {
          if (!METHODS.contains(kind)) {
            throw error(sat, "flow step '" + kind + "' is not supported; " + SUPPORTED);
          }
          steps.add(request(kind, v, sat + "/" + kind, target, defaults));
        }
      }
    }
    return steps;
  }

  private boolean logWarned;

  private FlowStep.Loop loop(JsonNode step, String at, URI target, Map<String, String> defaults)
      throws InvalidInputException {
    allow(step, at, Set.of("loop", "count", "over"));
    JsonNode body = step.get("loop");
    if (body == null || !body.isArray() || body.isEmpty()) {
      throw error(at + "/loop", "expected a non-empty list of steps to repeat");
    }
    if (step.has("count") == step.has("over")) {
      throw error(at, "a loop needs either 'count' (a number) or 'over' (a list or the name of a list variable)");
    }
    List<FlowStep> steps = flow(body, at + "/loop", target, defaults);
    if (step.has("count")) {
      JsonNode c = step.get("count");
      if (!c.canConvertToInt() || c.asInt() < 0) {
        throw error(at + "/count", "expected a whole number >= 0, found " + c);
      }
      return new FlowStep.Loop(steps, c.asInt(), null, null);
    }
    JsonNode over = step.get("over");
    if (over.isArray()) {
      List<JsonNode> values = new ArrayList<>();
      over.forEach(values::add);
      return new FlowStep.Loop(steps, -1, values, null);
    }
    if (!over.isTextual() || over.asText().isBlank()) {
      throw error(at + "/over", "expected a list or the name of a variable holding one");
    }
    String var = over.asText().strip();
    if (var.startsWith("{{")) {
      var = var.replaceAll("[{}]", "").strip();
    }
    used.add(new String[] {var.split("[.\\[]", 2)[0], at + "/over"});
    return new FlowStep.Loop(steps, -1, null, var);
  }

  private RequestSpec request(String kind, JsonNode v, String rat, URI target, Map<String, String> defaults)
      throws InvalidInputException {
    allow(v, rat, Set.of("url", "json", "body", "form", "qs", "headers", "name", "expect", "capture",
        "followRedirect"));
    for (String refused : List.of("formData", "cookie", "auth", "match", "beforeRequest", "afterResponse")) {
      if (v.has(refused)) {
        throw error(rat + "/" + refused, "'" + refused + "' is not supported; " + SUPPORTED);
      }
    }
    String path = text(v, "url", rat, target);
    use(path, rat + "/url");
    if (v.has("qs")) {
      path = path + (path.contains("?") ? "&" : "?") + form(v.get("qs"), rat + "/qs");
    }
    ObjectNode copy = v.deepCopy();
    if (v.has("form")) {
      if (v.has("json") || v.has("body")) {
        throw error(rat, "give one of 'json', 'body' or 'form'");
      }
      ObjectNode h = copy.has("headers") && copy.get("headers").isObject() ? (ObjectNode) copy.get("headers")
          : copy.putObject("headers");
      h.put("Content-Type", "application/x-www-form-urlencoded");
      copy.put("body", form(v.get("form"), rat + "/form"));
      copy.remove("form");
    }
    JsonNode jsonTemplate = null;
    if (v.has("json") && Template.has(v.get("json"))) {
      jsonTemplate = v.get("json");
      useTree(jsonTemplate, rat + "/json");
    }
    byte[] body = body(copy, rat);
    if (copy.has("body")) {
      String b = copy.get("body").asText();
      use(b, rat + "/body");
      if (Template.has(b)) {
        jsonTemplate = com.fasterxml.jackson.databind.node.TextNode.valueOf(b);
      }
    }
    Map<String, String> headers = headers(copy.get("headers"), rat + "/headers", defaults);
    for (Map.Entry<String, String> h : headers.entrySet()) {
      use(h.getValue(), rat + "/headers/" + h.getKey());
    }
    List<Check> checks = new ArrayList<>();
    ExpectedStatus expect = artilleryExpect(v.get("expect"), rat + "/expect", checks);
    List<Capture> captures = captures(v.get("capture"), rat + "/capture");
    RequestSpec spec = new RequestSpec(v.path("name").asText(null), kind, path, headers, body, expect, null,
        jsonTemplate, captures, checks);
    if (jsonTemplate != null && jsonTemplate.isTextual()) {
      // a templated raw body: rendered as text, sent as is
      spec = new RequestSpec(spec.name(), spec.method(), spec.path(), spec.headers(), null, spec.expect(), null,
          jsonTemplate, captures, checks);
    }
    return spec;
  }

  private String form(JsonNode n, String at) throws InvalidInputException {
    if (!n.isObject()) {
      throw error(at, "expected a mapping of name to value");
    }
    List<String> parts = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String value = e.getValue().asText();
      use(value, at + "/" + e.getKey());
      // templates are kept as they are (rendered per request); fixed values are encoded here
      parts.add(enc(e.getKey()) + "=" + (Template.has(value) ? value : enc(value)));
    }
    return String.join("&", parts);
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private void use(String text, String at) throws InvalidInputException {
    if (!Template.has(text)) {
      return;
    }
    try {
      for (String var : Template.parse(text).variables()) {
        used.add(new String[] {var, at});
      }
    } catch (IllegalArgumentException e) {
      throw error(at, e.getMessage());
    }
  }

  private void useTree(JsonNode n, String at) throws InvalidInputException {
    if (n.isTextual()) {
      use(n.asText(), at);
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        useTree(n.get(i), at + "/" + i);
      }
    } else if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        use(e.getKey(), at);
        useTree(e.getValue(), at + "/" + e.getKey());
      }
    }
  }

  private List<Capture> captures(JsonNode n, String at) throws InvalidInputException {
    List<Capture> out = new ArrayList<>();
    if (n == null) {
      return out;
    }
    List<JsonNode> list = new ArrayList<>();
    if (n.isArray()) {
      n.forEach(list::add);
    } else {
      list.add(n);
    }
    for (int i = 0; i < list.size(); i++) {
      String cat = n.isArray() ? at + "/" + i : at;
      JsonNode c = list.get(i);
      for (String refused : List.of("xpath", "selector")) {
        if (c.has(refused)) {
          throw error(cat + "/" + refused, "capture by '" + refused + "' is not supported; supported: json (a JSON "
              + "path), regexp (with group, flags), header");
        }
      }
      allow(c, cat, Set.of("json", "regexp", "header", "as", "group", "flags", "strict"));
      if (!c.has("as") || c.get("as").asText().isBlank()) {
        throw error(cat, "a capture needs 'as' (the variable name)");
      }
      String as = c.get("as").asText();
      boolean strict = !c.has("strict") || c.get("strict").asBoolean(true);
      try {
        if (c.has("json")) {
          out.add(Capture.json(c.get("json").asText(), as, strict));
        } else if (c.has("regexp")) {
          out.add(Capture.regexp(c.get("regexp").asText(), c.path("flags").asText(null),
              c.has("group") ? c.get("group").asText() : null, as, strict));
        } else if (c.has("header")) {
          out.add(Capture.header(c.get("header").asText(), as, strict));
        } else {
          throw error(cat, "a capture needs one of json, regexp or header");
        }
      } catch (IllegalArgumentException e) {
        throw error(cat, e.getMessage());
      }
      defined.add(as);
    }
    return out;
  }

  private List<Payload> payloads(JsonNode n, String at) throws InvalidInputException {
    List<Payload> out = new ArrayList<>();
    if (n == null) {
      return out;
    }
    List<JsonNode> list = new ArrayList<>();
    if (n.isArray()) {
      n.forEach(list::add);
    } else {
      list.add(n);
    }
    for (int i = 0; i < list.size(); i++) {
      String pat = n.isArray() ? at + "/" + i : at;
      JsonNode p = list.get(i);
      allow(p, pat, Set.of("path", "fields", "order", "skipHeader", "delimiter", "skipEmptyLines", "loadAll",
          "name", "cast"));
      if (!p.has("path")) {
        throw error(pat, "a payload needs 'path' (a CSV file, relative to the script)");
      }
      List<String> fields = new ArrayList<>();
      if (p.has("fields")) {
        p.get("fields").forEach(f -> fields.add(f.asText()));
      }
      boolean skipHeader = p.path("skipHeader").asBoolean(false);
      if (fields.isEmpty() && !skipHeader) {
        throw error(pat, "a payload needs 'fields' (the column names), or 'skipHeader: true' to take them from "
            + "the header row");
      }
      String order = p.path("order").asText("random");
      if (!order.equals("random") && !order.equals("sequence")) {
        throw error(pat + "/order", "order '" + order + "' is not one of random, sequence");
      }
      String delimiter = p.path("delimiter").asText(",");
      if (delimiter.length() != 1) {
        throw error(pat + "/delimiter", "expected one character, found '" + delimiter + "'");
      }
      boolean loadAll = p.path("loadAll").asBoolean(false);
      if (loadAll && !p.has("name")) {
        throw error(pat, "loadAll needs 'name': the variable that holds all rows");
      }
      Path csv = file.toAbsolutePath().getParent().resolve(p.get("path").asText()).normalize();
      Payload payload;
      try {
        payload = Payload.read(csv, fields, skipHeader, delimiter.charAt(0),
            p.path("skipEmptyLines").asBoolean(true), order.equals("sequence"),
            loadAll ? p.get("name").asText() : null);
      } catch (IOException e) {
        throw error(pat + "/path", "cannot read the CSV payload " + csv + ": " + e.getMessage());
      }
      if (payload.size() == 0) {
        throw error(pat + "/path", "the CSV payload " + csv + " has no rows");
      }
      defined.addAll(payload.fields());
      out.add(payload);
    }
    return out;
  }

  private Map<String, List<JsonNode>> variables(JsonNode n, String at) throws InvalidInputException {
    Map<String, List<JsonNode>> out = new LinkedHashMap<>();
    if (n == null) {
      return out;
    }
    if (!n.isObject()) {
      throw error(at, "expected a mapping of variable name to a value or a list of values");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      List<JsonNode> values = new ArrayList<>();
      if (e.getValue().isArray()) {
        e.getValue().forEach(values::add);
      } else {
        values.add(e.getValue());
      }
      out.put(e.getKey(), values);
      defined.add(e.getKey());
    }
    return out;
  }

  /** Metric names an {@code ensure} threshold may name (what perf:load measures). */
  static final String ENSURE_METRICS = "http.response_time.{min,max,mean,median,p50,p75,p90,p95,p99,p999}, "
      + "http.requests, http.responses, http.request_rate, http.codes.<status>, vusers.created, vusers.completed, "
      + "vusers.failed";

  private ErrorBudget.Ensure ensure(JsonNode config, JsonNode plugin) throws InvalidInputException {
    JsonNode e = config != null && config.isObject() && !config.isEmpty() ? config : plugin;
    String at = e == config ? "/config/ensure" : "/config/plugins/ensure";
    if (e == null || !e.isObject() || e.isEmpty()) {
      return null;
    }
    Double maxErrorRate = null;
    Map<String, Double> thresholds = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String k = f.getKey();
      String kat = at + "/" + k;
      switch (k) {
        case "maxErrorRate" -> maxErrorRate = number(f.getValue(), kat);
        case "min", "max", "median", "p95", "p99" -> thresholds.put("http.response_time." + k,
            number(f.getValue(), kat));
        case "thresholds" -> {
          JsonNode list = f.getValue();
          if (!list.isArray()) {
            throw error(kat, "expected a list of {metric: limit}");
          }
          for (int i = 0; i < list.size(); i++) {
            JsonNode t = list.get(i);
            if (!t.isObject() || t.size() != 1) {
              throw error(kat + "/" + i, "expected one {metric: limit}, e.g. {http.response_time.p99: 250}");
            }
            String metric = t.fieldNames().next();
            if (!ErrorBudget.Ensure.knows(metric)) {
              throw error(kat + "/" + i, "ensure threshold on '" + metric + "': perf:load measures "
                  + ENSURE_METRICS);
            }
            thresholds.put(metric, number(t.get(metric), kat + "/" + i + "/" + metric));
          }
        }
        case "conditions" -> throw error(kat, "ensure 'conditions' are expressions evaluated by Artillery's "
            + "expression language, which perf:load does not have; write each as a threshold ({metric: limit}) "
            + "or keep the check in Artillery");
        default -> throw error(kat, "unknown ensure setting '" + k + "'; accepted: thresholds, maxErrorRate, min, "
            + "max, median, p95, p99");
      }
    }
    return new ErrorBudget.Ensure(maxErrorRate, thresholds, where(at));
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
      if (METHODS.contains(at.substring(at.lastIndexOf('/') + 1))) {
        return s;
      }
      throw error(at + "/" + field, "template expressions ({{ ... }}) are only supported in Artillery scripts");
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

  /**
   * artillery-plugin-expect's {@code expect} (a list of one-key checks, or a mapping): a literal {@code statusCode}
   * becomes the step's expected status; templated ones and every other check are evaluated per response.
   */
  private ExpectedStatus artilleryExpect(JsonNode n, String at, List<Check> checks) throws InvalidInputException {
    if (n == null) {
      return null;
    }
    List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
    List<String> where = new ArrayList<>();
    if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        JsonNode e = n.get(i);
        if (!e.isObject() || e.size() != 1) {
          throw error(at + "/" + i, "expected one check such as {statusCode: 200}");
        }
        entries.add(e.fields().next());
        where.add(at + "/" + i);
      }
    } else if (n.isObject()) {
      n.fields().forEachRemaining(entries::add);
      entries.forEach(e -> where.add(at + "/" + e.getKey()));
    } else {
      throw error(at, "expected a list of checks such as [{statusCode: 200}, {contentType: json}]");
    }
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String key = entries.get(i).getKey();
      JsonNode v = entries.get(i).getValue();
      Check.Kind kind = Check.Kind.of(key);
      if (kind == null) {
        throw error(where.get(i), "expect check '" + key + "' is not supported; supported: " + Check.Kind.names()
            + (Set.of("jmespath", "jpath", "cdnHit").contains(key) ? "" : ""));
      }
      boolean literalStatus = kind == Check.Kind.STATUS_CODE && !Template.has(v);
      if (literalStatus) {
        if (v.isArray()) {
          v.forEach(c -> codes.add(c.asText()));
        } else {
          codes.add(v.asText());
        }
        continue;
      }
      List<Template> args = new ArrayList<>();
      try {
        if (v.isArray()) {
          for (JsonNode a : v) {
            use(a.asText(), where.get(i));
            args.add(Template.parse(a.asText()));
          }
        } else {
          use(v.asText(), where.get(i));
          args.add(Template.parse(v.asText()));
        }
      } catch (IllegalArgumentException e) {
        throw error(where.get(i), e.getMessage());
      }
      if (kind == Check.Kind.HEADER_EQUALS && args.size() != 2) {
        throw error(where.get(i), "headerEquals needs [header name, value]");
      }
      checks.add(new Check(kind, args));
    }
    return codes.isEmpty() ? null : ExpectedStatus.parse(String.join(",", codes), where(at));
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
